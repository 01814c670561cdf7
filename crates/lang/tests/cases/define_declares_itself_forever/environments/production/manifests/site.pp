define r() { r { "${title}x": } }
r { "a": }
