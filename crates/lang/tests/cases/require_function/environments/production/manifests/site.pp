class dep { notify { 'd': } }
class user { require dep }
include user
