whoami
id -G
id -Gn
id root
