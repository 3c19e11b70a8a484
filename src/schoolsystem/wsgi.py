import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolsystem.settings.dev")
application = get_wsgi_application()

# Chart drawing's imports and font loading happen at start-up, not in the first report card a user opens.
from schoolsystem.performance.charts import warm_up  # noqa: E402

warm_up()
