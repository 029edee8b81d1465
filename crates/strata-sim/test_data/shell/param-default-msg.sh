unset v
echo ${v?}
