$x = @(END:epp)
text <%
END
