#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static enum hn_log_level minlevel = HN_LOG_INFO;
static const char *names[] = { "debug", "info", "warn", "error" };

void
hn_log_set_level(enum hn_log_level min)
{
	minlevel = min;
}

void
hn_log(enum hn_log_level lvl, const char *event, const char *fmt, ...)
{
	char line[2048];
	struct tm tm;
	time_t now;
	va_list ap;
	int n, m;

	if (lvl < minlevel)
		return;
	now = time(NULL);
	gmtime_r(&now, &tm);
	n = snprintf(line, sizeof(line),
	    "ts=%04d-%02d-%02dT%02d:%02d:%02dZ level=%s event=%s ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, names[lvl], event);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	if ((size_t)(n + m) >= sizeof(line) - 1)
		m = (int)(sizeof(line) - 2) - n; /* truncated: keep the line */
	line[n + m] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)(n + m + 1));
}
