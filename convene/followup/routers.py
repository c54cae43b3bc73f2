"""The follow-through's API: one router per topic, mounted by the project's ``NinjaAPI`` at
``/api/followup/`` (``convene/api/api.py``). Each topic's ``api`` module says what it
answers; the order here is the order of the published schema."""

from ninja import Router

from convene.followup.actions.api import router as actions_router
from convene.followup.conferences.api import router as conferences_router
from convene.followup.enquiries.api import router as enquiries_router
from convene.followup.hrpm.api import router as hrpm_router
from convene.followup.reviews.api import router as reviews_router

router = Router(tags=["follow-through"])
router.add_router("", actions_router)
router.add_router("", enquiries_router)
router.add_router("", conferences_router)
router.add_router("", hrpm_router)
router.add_router("", reviews_router)
