/*
 * replay: runs a fuzz target over files and directories (its corpus)
 * without libFuzzer, so that `make check` (and its ASan + UBSan pass)
 * keeps every target building and every corpus input as a regression
 * test. Usage: fuzz_NAME-replay PATH... (exit 0 when every input ran;
 * a target that finds a bug aborts).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define INPUT_MAX (4u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path, uint8_t *buf)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return -1;
	}
	n = fread(buf, 1, INPUT_MAX, f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

static int
run(const char *path, uint8_t *buf, unsigned *count)
{
	char sub[4096];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int r = 0;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: no such input %s\n", path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return run_file(path, buf);
	}
	if ((d = opendir(path)) == NULL)
		return -1;
	while (r == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >=
		    (int)sizeof(sub))
			r = -1;
		else
			r = run(sub, buf, count);
	}
	closedir(d);
	return r;
}

int
main(int argc, char **argv)
{
	uint8_t *buf = malloc(INPUT_MAX);
	unsigned count = 0;
	int i, r = 0;

	if (buf == NULL)
		return 1;
	for (i = 1; i < argc && r == 0; i++)
		r = run(argv[i], buf, &count);
	free(buf);
	printf("replay: %u inputs\n", count);
	return r == 0 && count > 0 ? 0 : 1;
}
