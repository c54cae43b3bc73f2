"""Partnerships, agencies, professionals, children and their families."""

from __future__ import annotations

from collections.abc import Collection
from contextlib import suppress
from datetime import date
from pathlib import Path

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from convene.core.models import TrackedModel
from convene.people import nhs_number
from convene.people.vocab import (
    AGENCY_KIND_LABELS,
    LEGAL_STATUS_LABELS,
    ROLE_LABELS,
    AgencyKind,
    LegalStatus,
    Role,
)

PACKS_DIR = Path(__file__).resolve().parent.parent / "policy" / "packs"


def _choices(labels: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(member.value, label) for member, label in labels.items()]


def validate_policy_id(value: str) -> None:
    if not (PACKS_DIR / f"{value}.toml").is_file():
        known = ", ".join(sorted(p.stem for p in PACKS_DIR.glob("*.toml"))) or "none"
        raise ValidationError(f"Unknown procedure policy {value!r}; known policies: {known}")


def validate_nhs_number(value: str) -> None:
    try:
        nhs_number.normalise(value)
    except nhs_number.InvalidNhsNumber as error:
        raise ValidationError(str(error)) from error


class Partnership(TrackedModel):
    """A local safeguarding children partnership: the tenant everything belongs to."""

    name = models.CharField(max_length=200, unique=True)
    local_authority = models.CharField(max_length=200)
    policy_id = models.CharField(
        max_length=50,
        validators=[validate_policy_id],
        help_text="The procedure policy pack this partnership follows, e.g. halton",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnershipRecord(TrackedModel):
    """A tracked row that belongs to one partnership (the tenant), never reached back from it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class Agency(TrackedModel):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=_choices(AGENCY_KIND_LABELS))
    # One police force or trust often serves several councils' partnerships.
    partnerships = models.ManyToManyField(Partnership, related_name="agencies")
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    @property
    def kind_enum(self) -> AgencyKind:
        return AgencyKind(self.kind)


def agency_link(*, related_name: str = "+") -> models.ForeignKey[Agency | None, Agency | None]:
    """An optional agency (who made, attended or owns something), kept while rows name it."""
    return models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name=related_name
    )


class Professional(AbstractUser):
    """A user account: always a professional, never a family member."""

    agency = agency_link(related_name="staff")
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=50, blank=True)

    # The columns ``str()`` reads: what a list naming a professional loads (``.only``).
    NAME_FIELDS = ("first_name", "last_name", "username")

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_set(self) -> frozenset[Role]:
        cached = getattr(self, "_role_set", None)
        if cached is None:
            cached = frozenset(Role(grant.role) for grant in self.role_grants.all())
            self._role_set = cached
        return cached

    def has_role(self, *roles: Role) -> bool:
        return bool(self.role_set.intersection(roles))


class RoleGrant(models.Model):
    professional = models.ForeignKey(
        Professional, on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(max_length=40, choices=_choices(ROLE_LABELS))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["professional", "role"], name="unique_role_grant")
        ]

    def __str__(self) -> str:
        return Role(self.role).label


def age_on(born: date | None, day: date) -> int | None:
    """Whole years from ``born`` to ``day`` (None if not born or not known)."""
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    INDETERMINATE = "indeterminate", "Indeterminate"
    UNKNOWN = "unknown", "Not known"


class ChildNaming:
    """How a child is named and aged, from their names and date of birth: the one place for
    a ``Child`` and for a list's plain row of one (``discussions.api_list.ListedChild``)."""

    __slots__ = ()  # no instance dictionary of its own: the plain rows keep theirs slotted

    first_name: str
    last_name: str
    date_of_birth: date | None

    @property
    def full_name(self) -> str:
        if self.is_unborn:
            return f"Unborn baby {self.last_name}".strip()
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None

    def age_on(self, day: date) -> int | None:
        return age_on(self.date_of_birth, day)


class Child(ChildNaming, TrackedModel):
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="children")
    first_name = models.CharField(max_length=100, blank=True, help_text="Blank for an unborn child")
    last_name = models.CharField(max_length=100)
    other_names = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_delivery = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=20, choices=Sex.choices, default=Sex.UNKNOWN)
    # Indexed through Meta.indexes: no varchar_pattern_ops twin (core/like_indexes.py).
    nhs_number = models.CharField(max_length=12, blank=True, validators=[validate_nhs_number])
    ethnicity = models.CharField(max_length=100, blank=True)
    first_language = models.CharField(max_length=100, blank=True, default="English")
    interpreter_needed = models.BooleanField(default=False)
    religion = models.CharField(max_length=100, blank=True)
    disability = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True)
    area = models.CharField(max_length=100, blank=True)
    setting = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pupils",
        help_text="School, nursery or other setting",
    )
    legal_status = models.CharField(
        max_length=30, choices=_choices(LEGAL_STATUS_LABELS), default=LegalStatus.NONE.value
    )
    legal_status_from = models.DateField(null=True, blank=True)
    legal_status_to = models.DateField(null=True, blank=True)
    linked_children: models.ManyToManyField[Child, ChildLink] = models.ManyToManyField(
        "self", through="ChildLink", blank=True
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "children"
        indexes = [
            # The children's list walks this in its order, whoever reads it (a caseload of
            # several partnerships, or children seen through invitations), and the HRPM
            # list walks it by its children's names: one index for both (issue 15).
            models.Index(fields=["last_name", "first_name", "id"], name="people_child_name_order"),
            models.Index(fields=["partnership", "date_of_birth"]),
            models.Index(fields=["nhs_number"], name="people_child_nhs_number"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=False)
                | Q(expected_date_of_delivery__isnull=False),
                name="child_born_or_expected",
                violation_error_message="Enter a date of birth or, for an unborn child, "
                "an expected date of delivery",
            ),
            models.UniqueConstraint(
                fields=["partnership", "nhs_number"],
                condition=~Q(nhs_number=""),
                name="unique_nhs_number_per_partnership",
                violation_error_message="A child with this NHS number is already recorded",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def nhs_number_display(self) -> str:
        return nhs_number.formatted(self.nhs_number) if self.nhs_number else ""

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        # People type NHS numbers with spaces ("999 123 4560"); store the bare digits.
        if self.nhs_number:
            with suppress(nhs_number.InvalidNhsNumber):  # the field validator reports why
                self.nhs_number = nhs_number.normalise(self.nhs_number)
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        today = timezone.localdate()
        errors: dict[str, str] = {}
        if self.date_of_birth and self.date_of_birth > today:
            errors["date_of_birth"] = "Date of birth must be today or in the past"
        if self.date_of_birth and self.expected_date_of_delivery:
            errors["expected_date_of_delivery"] = (
                "Leave the expected date of delivery blank for a child who has been born"
            )
        if not self.date_of_birth and not self.first_name and not self.last_name:
            errors["last_name"] = (
                "Enter the child's last name, or the family name for an unborn child"
            )
        if (
            self.legal_status_from
            and self.legal_status_to
            and self.legal_status_to < self.legal_status_from
        ):
            errors["legal_status_to"] = "The legal status end date must be after its start date"
        if errors:
            raise ValidationError(errors)


class ChildLink(models.Model):
    """Siblings and other children of the household (R001.13: other children affected)."""

    class Kind(models.TextChoices):
        SIBLING = "sibling", "Sibling"
        HALF_SIBLING = "half_sibling", "Half-sibling"
        HOUSEHOLD = "household", "Other child in the household"

    from_child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    to_child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_child", "to_child"], name="unique_child_link"),
            models.CheckConstraint(
                condition=~Q(from_child=models.F("to_child")), name="child_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.from_child_id} and {self.to_child_id}"


class FamilyMember(TrackedModel):
    """A parent, carer or significant other. Never a user, never an invitee (R002.10, R003.5)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="family_members"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.TextField(blank=True)
    children: models.ManyToManyField[Child, FamilyRelationship] = models.ManyToManyField(
        Child, through="FamilyRelationship", related_name="family"
    )

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class FamilyRelationship(models.Model):
    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        STEP_PARENT = "step_parent", "Step-parent"
        PARENTS_PARTNER = "parents_partner", "Parent's partner"
        GRANDPARENT = "grandparent", "Grandparent"
        OTHER_RELATIVE = "other_relative", "Other relative"
        FRIEND = "friend", "Family friend"
        OTHER = "other", "Other significant adult"

    family_member = models.ForeignKey(
        FamilyMember, on_delete=models.CASCADE, related_name="relationships"
    )
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="family_relationships")
    relationship = models.CharField(max_length=30, choices=Relationship.choices)
    parental_responsibility = models.BooleanField(default=False)
    lives_with_child = models.BooleanField(default=False)
    alleged_perpetrator = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["family_member", "child"], name="unique_family_relationship"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_relationship_display()} of child {self.child_id}"
