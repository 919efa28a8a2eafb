#include "util/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/fmt.h"

static enum hn_diag_level minlevel = HN_DIAG_INFO;
static const char *names[] = { "debug", "info", "warn", "error" };

void
hn_diag_set_level(enum hn_diag_level min)
{
	minlevel = min;
}

void
hn_diag(enum hn_diag_level lvl, const char *event, const char *fmt, ...)
{
	char line[2048];
	struct tm tm;
	time_t now;
	va_list ap;
	size_t n = 0;

	if (lvl < minlevel)
		return;
	now = time(NULL);
	gmtime_r(&now, &tm);
	line[0] = '\0';
	if (hn_fmt_add(line, sizeof(line) - 1, &n,
		"ts=%04d-%02d-%02dT%02d:%02d:%02dZ level=%s event=%s ",
		tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		tm.tm_min, tm.tm_sec, names[lvl], event) != 0)
		return;
	/* A long message is cut, not dropped: the line is still worth having. */
	va_start(ap, fmt);
	(void)hn_vfmt_cut(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	n += strlen(line + n);
	line[n] = '\n';
	(void)!write(STDERR_FILENO, line, n + 1);
}
