readonly R=1
R=2
echo $R
U=1; unset U; echo [${U-unset}]
