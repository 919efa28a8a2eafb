#include "ledger/tile.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/err.h"
#include "util/fmt.h"

int
hn_tile_path(char *out, size_t outsz, int level, uint64_t index, int width)
{
	char groups[8][8];
	size_t pos = 0;
	int ng = 0, i, r;

	if (level < HN_TILE_ENTRIES_LEVEL || level >= HN_TILE_LEVELS ||
	    width < 1 || width > HN_TILE_FULL)
		return HN_EINVAL;
	do {
		/* 2^64 has 20 digits: at most 7 groups of 3 */
		assert(ng < 8);
		HN_FMT_FIXED(groups[ng++], sizeof(groups[0]), "%03u",
		    (unsigned)(index % 1000));
		index /= 1000;
	} while (index > 0);
	if (outsz == 0)
		return HN_ETOOBIG;
	out[0] = '\0';
	if (level == HN_TILE_ENTRIES_LEVEL)
		r = hn_fmt_add(out, outsz, &pos, "tile/entries/");
	else
		r = hn_fmt_add(out, outsz, &pos, "tile/%d/", level);
	for (i = ng - 1; r == 0 && i >= 0; i--)
		r = hn_fmt_add(out, outsz, &pos, "%s%s%s", i > 0 ? "x" : "",
		    groups[i], i > 0 ? "/" : "");
	if (r == 0 && width < HN_TILE_FULL)
		r = hn_fmt_add(out, outsz, &pos, ".p/%d", width);
	return r;
}

/* Reads exactly three digits. */
static int
digits3(const char *s, unsigned *v)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' ||
	    s[2] < '0' || s[2] > '9')
		return HN_EPARSE;
	*v = (unsigned)(s[0] - '0') * 100 + (unsigned)(s[1] - '0') * 10 +
	    (unsigned)(s[2] - '0');
	return 0;
}

int
hn_tile_parse(const char *path, int *level, uint64_t *index, int *width)
{
	const char *p = path;
	uint64_t idx = 0;
	unsigned g;
	int ngroups = 0;

	if (strncmp(p, "tile/", 5) != 0)
		return HN_EPARSE;
	p += 5;
	if (strncmp(p, "entries/", 8) == 0) {
		*level = HN_TILE_ENTRIES_LEVEL;
		p += 8;
	} else if (p[0] >= '0' && p[0] <= '7' && p[1] == '/') {
		*level = p[0] - '0';
		p += 2;
	} else {
		return HN_EPARSE;
	}
	while (*p == 'x') {
		if (digits3(p + 1, &g) != 0 || p[4] != '/' || ngroups >= 6)
			return HN_EPARSE;
		if (ngroups == 0 && g == 0)
			return HN_EPARSE; /* no leading zero group */
		idx = idx * 1000 + g;
		ngroups++;
		p += 5;
	}
	if (digits3(p, &g) != 0)
		return HN_EPARSE;
	if (idx > (UINT64_MAX - g) / 1000)
		return HN_EPARSE;
	idx = idx * 1000 + g;
	p += 3;
	*width = HN_TILE_FULL;
	if (*p == '.') {
		unsigned w = 0;
		int nd = 0;
		if (strncmp(p, ".p/", 3) != 0)
			return HN_EPARSE;
		p += 3;
		if (*p == '0')
			return HN_EPARSE;
		while (*p >= '0' && *p <= '9' && nd < 4) {
			w = w * 10 + (unsigned)(*p++ - '0');
			nd++;
		}
		if (w < 1 || w > 255)
			return HN_EPARSE;
		*width = (int)w;
	}
	if (*p != '\0')
		return HN_EPARSE;
	*index = idx;
	return 0;
}

int
hn_tile_width(uint64_t size, int level, uint64_t index)
{
	unsigned L = level == HN_TILE_ENTRIES_LEVEL ? 0 : (unsigned)level;
	uint64_t row;

	if (level < HN_TILE_ENTRIES_LEVEL || level >= HN_TILE_LEVELS)
		return 0;
	row = size >> (HN_TILE_H * L);
	if (index < (row >> 8))
		return HN_TILE_FULL;
	if (index == (row >> 8))
		return (int)(row & 255);
	return 0;
}

int
hn_tile_bundle_next(const uint8_t *bundle, size_t blen, size_t *off,
    const uint8_t **entry, size_t *len)
{
	size_t n;

	if (*off == blen)
		return 0;
	if (blen - *off < 2)
		return HN_EPARSE;
	n = (size_t)bundle[*off] << 8 | bundle[*off + 1];
	if (blen - *off - 2 < n)
		return HN_EPARSE;
	*entry = bundle + *off + 2;
	*len = n;
	*off += 2 + n;
	return 1;
}

int
hn_tile_get(void *arg, unsigned level, uint64_t index,
    uint8_t out[HN_MERKLE_HASH_LEN])
{
	struct hn_tile_reader *t = arg;
	unsigned L = level / HN_TILE_H, k = level % HN_TILE_H;
	uint64_t p0, n, off, count;
	int w, r;

	if (level >= 64 || index >= (t->size >> level))
		return HN_ERANGE;
	p0 = index << k;
	count = UINT64_C(1) << k;
	n = p0 >> 8;
	off = p0 & 255;
	w = hn_tile_width(t->size, (int)L, n);
	if (w == 0 || off + count > (uint64_t)w)
		return HN_EINTERNAL;
	if (!t->have || t->level != (int)L || t->index != n || t->width != w) {
		struct hn_buf b =
		    HN_BUF_INIT(HN_TILE_FULL * HN_MERKLE_HASH_LEN);
		t->have = 0;
		if ((r = t->read(t->arg, (int)L, n, w, &b)) != 0) {
			hn_buf_release(&b);
			return r;
		}
		if (b.len != (size_t)w * HN_MERKLE_HASH_LEN) {
			hn_buf_release(&b);
			return HN_EVERIFY;
		}
		memcpy(t->hashes, b.data, b.len);
		hn_buf_release(&b);
		t->have = 1;
		t->level = (int)L;
		t->index = n;
		t->width = w;
	}
	hn_merkle_root_of(t->h,
	    (const uint8_t(*)[HN_MERKLE_HASH_LEN])t->hashes[off], count, out);
	return 0;
}
