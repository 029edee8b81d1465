id -u
id -g
id -un
id -gn
whoami
id nobody
id -u nobody
