printf '*/5 * * * * echo hi\n' > /tmp/cron.txt
crontab /tmp/cron.txt; echo "rc=$?"
crontab -l; echo "rc=$?"
mkdir -p /var/spool/cron/crontabs
crontab -l; echo "rc=$?"
crontab -r; echo "rc=$?"
crontab /tmp/cron.txt; echo "rc=$?"
ls -l /var/spool/cron/crontabs | cut -c1-10,30-34,40-
crontab -l; echo "rc=$?"
echo '@reboot true' | crontab -; crontab -l
mkdir /tmp/ctabs; crontab -c /tmp/ctabs /tmp/cron.txt; ls /tmp/ctabs; crontab -c /tmp/ctabs -l
crontab -r; echo "rc=$?"; crontab -l; echo "rc=$?"
crontab nope; echo "rc=$?"
crontab -u nosuch -l; echo "rc=$?"
