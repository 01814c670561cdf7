$x = inline_epp('<%| $a |%>x')
