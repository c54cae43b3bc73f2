from django.urls import path

from convene.reminders import views

app_name = "reminders"

urlpatterns = [
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/<int:pk>/", views.notification_open, name="notification-open"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("deliveries/failed/", views.failed_deliveries, name="deliveries-failed"),
    path("deliveries/<int:pk>/retry/", views.delivery_retry_view, name="delivery-retry"),
]
