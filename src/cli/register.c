/* Loading a register for the commands: the embedded one or --register. */
#include <stdio.h>

#include "cli/cli.h"
#include "core/treaty.h"
#include "util/asset.h"
#include "util/buf.h"
#include "util/file.h"

int
hn_cli_register_load(const char *path, struct hn_register **out)
{
	struct hn_buf b = HN_BUF_INIT(HN_REGISTER_MAX_BYTES);
	const struct hn_asset *a;
	struct hn_error err;
	const char *name = path != NULL ? path : "data/parties.json";
	int r;

	hn_error_clear(&err);
	*out = NULL;
	if (path == NULL) {
		if ((a = hn_asset_find("data/parties.json")) == NULL)
			return hn_cli_fail(2, "no embedded register");
		r = hn_register_load((const char *)a->data, a->len, out, &err);
	} else {
		if ((r = hn_file_read(path, &b)) != 0) {
			hn_buf_release(&b);
			return hn_cli_fail(2, "%s: %s", path, hn_strerror(r));
		}
		r = hn_register_load(b.data, b.len, out, &err);
		hn_buf_release(&b);
	}
	if (r != 0) {
		if (err.field[0] != '\0')
			return hn_cli_fail(2, "%s: %s: %s", name, err.field,
			    err.message);
		return hn_cli_fail(2, "%s: %s", name,
		    err.message[0] ? err.message : hn_strerror(r));
	}
	return 0;
}
