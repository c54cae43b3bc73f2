from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.forms import ModelForm
from django.http import HttpRequest

from convene.audit.admin import AuditedAdmin
from convene.followup.actions.owners import actions_follow_owner
from convene.people.models import (
    Agency,
    Child,
    ChildLink,
    FamilyMember,
    FamilyRelationship,
    Partnership,
    Professional,
    RoleGrant,
)


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin[Partnership]):
    list_display = ["name", "local_authority", "policy_id"]
    search_fields = ["name", "local_authority"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ["name", "kind"]
    list_filter = ["kind", "partnerships"]
    search_fields = ["name"]
    filter_horizontal = ["partnerships"]


class RoleGrantInline(admin.TabularInline[RoleGrant, Professional]):
    model = RoleGrant
    extra = 1


@admin.register(Professional)
class ProfessionalAdmin(UserAdmin[Professional]):
    inlines = [RoleGrantInline]
    list_display = ["username", "first_name", "last_name", "agency", "is_active"]
    list_filter = ["is_active", "agency__kind", "role_grants__role"]
    list_select_related = ["agency"]
    autocomplete_fields = ["agency"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Agency and role", {"fields": ("agency", "job_title", "phone")}),
    )

    def save_model(
        self, request: HttpRequest, obj: Professional, form: ModelForm[Professional], change: bool
    ) -> None:
        """A move of agency takes the person's actions with them (their stored owning
        agency, ``followup.actions.owners``), in the admin's transaction."""
        super().save_model(request, obj, form, change)
        if change and "agency" in form.changed_data:
            actions_follow_owner(professional=obj)


class ChildLinkInline(admin.TabularInline[ChildLink, Child]):
    model = ChildLink
    fk_name = "from_child"
    extra = 0
    raw_id_fields = ["to_child"]


class FamilyRelationshipInline(admin.TabularInline[FamilyRelationship, Child]):
    model = FamilyRelationship
    extra = 0
    raw_id_fields = ["family_member"]


@admin.register(Child)
class ChildAdmin(AuditedAdmin[Child]):
    list_display = ["last_name", "first_name", "date_of_birth", "nhs_number", "partnership"]
    list_filter = ["partnership", "legal_status"]
    search_fields = ["last_name", "first_name", "nhs_number"]
    list_select_related = ["partnership"]
    raw_id_fields = ["setting"]
    inlines = [ChildLinkInline, FamilyRelationshipInline]
    show_full_result_count = False


@admin.register(FamilyMember)
class FamilyMemberAdmin(AuditedAdmin[FamilyMember]):
    list_display = ["last_name", "first_name", "partnership"]
    search_fields = ["last_name", "first_name"]
    list_select_related = ["partnership"]
    inlines = [FamilyRelationshipInline]
