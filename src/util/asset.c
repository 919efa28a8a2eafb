#include "util/asset.h"

#include <string.h>

const struct hn_asset *
hn_asset_find(const char *path)
{
	const struct hn_asset *a;

	for (a = hn_assets; a->path != NULL; a++)
		if (strcmp(a->path, path) == 0)
			return a;
	return NULL;
}
