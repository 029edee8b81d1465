while false; do :; done; echo $?
for i in; do :; done 2>/dev/null; echo $?
if false; then :; fi; echo $?
false | true; echo $?
true | false; echo $?
! true | false; echo $?
