from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "convene.core"
    label = "core"

    def ready(self) -> None:
        from django_tasks.signals import task_finished

        from convene.core import any_of, govuk_components
        from convene.core.jsonlog import log_task_finished

        govuk_components.install()
        any_of.install()
        task_finished.connect(log_task_finished, dispatch_uid="convene-task-log")
