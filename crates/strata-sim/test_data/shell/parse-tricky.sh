x=$(cat <<EOF
inside heredoc
EOF
)
echo "$x"
y=$(case a in a) echo matched;; esac)
echo $y
z=$(echo one # a comment ) here
echo two)
echo "$z"
echo "$(echo "nested \"quotes\"")"
echo $( (echo subshell) )
echo long\
line
w="a
b"
echo "$w"
echo 'semi;colon' "amp&" pipe\|
for i in 1 2; do echo $i; done; echo after-loop
if true; then echo t; fi; echo after-if
{ echo g1; echo g2; }; echo after-group
echo ${x:+has-x}
echo "${y:-}" "${undefined:-"quoted default"}"
