$x = @(END:epp)
<%= $a + %>
END
