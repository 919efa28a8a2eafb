/*
 * fuzz_text: the small text parsers. Tile paths, dates and timestamps are
 * strict canonical forms, so whatever parses must format back to the same
 * bytes (one timestamp form, core/date.h, for the register, the API and
 * the wire). The same input is also read
 * as a hanoinet.conf (through a file: the loader takes a path).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/date.h"
#include "ledger/tile.h"
#include "node/node.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok)
{
	if (!ok)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char conf[64];
	static struct hn_conf c;
	char s[256], out[HN_TILE_PATH_MAX], t1[HN_TIME_STRLEN];
	char d[HN_DATE_STRLEN];
	struct hn_error err;
	uint64_t index;
	int64_t a;
	int32_t day;
	int level, width;
	FILE *f;

	if (size < sizeof(s)) {
		memcpy(s, data, size);
		s[size] = '\0';
		if (hn_tile_parse(s, &level, &index, &width) == 0) {
			check(hn_tile_path(out, sizeof(out), level, index,
				  width) == 0);
			check(strcmp(out, s) == 0);
		}
		if (hn_date_parse(s, &day) == 0) {
			hn_date_format(day, d);
			check(strcmp(d, s) == 0);
		}
		if (hn_datetime_parse(s, &a) == 0) {
			hn_datetime_format(a, t1);
			check(strcmp(t1, s) == 0);
		}
	}
	if (conf[0] == '\0')
		snprintf(conf, sizeof(conf), "/tmp/fuzz_text.%ld.conf",
		    (long)getpid());
	if ((f = fopen(conf, "wb")) == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	if (hn_conf_load(&c, conf, &err) == 0)
		(void)hn_conf_get(&c, "listen");
	return 0;
}
