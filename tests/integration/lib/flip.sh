# flip_byte FILE OFFSET: inverts the low bit of the byte at OFFSET, in
# place. A real change whatever the byte was: writing a fixed byte over
# random data (ciphertext) changes nothing once in 256 runs.
flip_byte() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	[ -n "$b" ] || { echo "flip_byte: no byte $2 in $1" >&2; return 1; }
	printf "\\$(printf '%03o' $((b ^ 1)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
