"""The WSGI application that gunicorn serves (``convene.wsgi:application``).

Everything a worker will keep for its whole life is loaded here, before the first request
(and, with gunicorn's ``preload_app``, before the workers are forked): the settings, every
app, and the URLconf, which imports every view module and what they import. Then
``gc.freeze()`` moves all of it to the collector's permanent generation.

Why: Python's cyclic collector runs a full collection every so often, and a full
collection walks every tracked object. With the modules, models, templates and compiled
regular expressions of a Django process in the young generations, the collections that
fall on a request walked hundreds of thousands of long-lived objects: those pauses were the
p95 outliers at 50,000 discussions (bob's API list p95 2,000 → 735 ms once frozen; issue 15,
docs/performance.md). Frozen objects are never walked again, and after a fork the workers
no longer touch (and so copy) the parent's pages by collecting them.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convene.settings")
application = get_wsgi_application()
# Reading the patterns imports the root URLconf and so every view module (lazy otherwise,
# until the first request, which then paid for it and left it to the young generations).
get_resolver().url_patterns  # noqa: B018
gc.collect()  # what start-up left as garbage is freed, not frozen
gc.freeze()
