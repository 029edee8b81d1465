busybox --list | wc -l
busybox --list | head -n 5
busybox --list | grep -c -x -e dd -e unzip -e getopt -e sh -e busybox
