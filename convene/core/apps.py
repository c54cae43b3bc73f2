from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig

# GOV.UK Frontend ships its Sass, Nunjucks templates, test fixtures and per-component
# bundles; Convene serves only the compiled CSS and JavaScript and the assets. Leaving
# the rest out of `collectstatic` makes it about a fifth of the work (docs/operations.md).
GOVUK_FRONTEND_SOURCES = [
    "components",
    "common",
    "core",
    "custom-properties",
    "errors",
    "helpers",
    "macros",
    "objects",
    "overrides",
    "settings",
    "tools",
    "utilities",
    "govuk-prototype-kit",
    "govuk-prototype-kit.config.json",
    "package.json",
    "*.scss",
    "*.scss.map",
    "*.njk",
    "*.bundle.*",
    "all.mjs*",
    "component.mjs*",
    "i18n.mjs*",
    "README.md",
]


class StaticFilesConfig(DjangoStaticFilesConfig):
    ignore_patterns = [*DjangoStaticFilesConfig.ignore_patterns, *GOVUK_FRONTEND_SOURCES]


class CoreConfig(AppConfig):
    name = "convene.core"
    label = "core"

    def ready(self) -> None:
        from django_tasks.signals import task_finished

        from convene.core import govuk_components
        from convene.core.jsonlog import log_task_finished

        govuk_components.install()
        task_finished.connect(log_task_finished, dispatch_uid="convene-task-log")
