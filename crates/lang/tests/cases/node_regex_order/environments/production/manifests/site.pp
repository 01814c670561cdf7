node /example\.com$/ { notify { "first ${0}": } }
node /^web(\d+)/ { notify { "second ${1}": } }
