$x = @(END:epp)
<%# a comment
END
