# GOV.UK dates ("23 April 2015") wherever a template prints a date without a format;
# the same words as convene.core.dates, which Python code (emails, the PDF) uses.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j F Y"
DATETIME_FORMAT = r"j F Y \a\t H:i"
SHORT_DATETIME_FORMAT = r"j F Y \a\t H:i"
TIME_FORMAT = "H:i"
