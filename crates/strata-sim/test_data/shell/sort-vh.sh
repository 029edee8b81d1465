printf '1.10\n1.9\n1.2.3\n1.2\n10.0\n' | sort -V
printf 'v2\nv10\nv1\n' | sort -V -r
