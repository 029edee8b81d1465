printf 'a\0b\0' | tr '\0' ' '; echo
printf '%s\n' "$(echo x; echo y)"
printf '%s %s\n' 1
