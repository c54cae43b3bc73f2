"""django.contrib.staticfiles, configured for Convene (settings.INSTALLED_APPS)."""

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
