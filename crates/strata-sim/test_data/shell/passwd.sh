show() { cut -d: -f1,2 /etc/shadow; cut -d: -f1,2 /etc/passwd | grep daemon; }
passwd -d root; echo "rc=$?"; show
passwd -l root; echo "rc=$?"; show
passwd -l root; echo "rc=$?"
passwd -u root; echo "rc=$?"; show
passwd -u root; echo "rc=$?"
passwd -l daemon; echo "rc=$?"; show
passwd -l nosuch; echo "rc=$?"
passwd -u daemon; echo "rc=$?"; passwd -u daemon; echo "rc=$?"; show
passwd -l -d root; echo "rc=$?"; show
