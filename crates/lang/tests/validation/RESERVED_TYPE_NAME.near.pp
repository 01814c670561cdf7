class integers {}
