set -- -x -a
while getopts a opt; do echo "opt=$opt"; done 2>&1
