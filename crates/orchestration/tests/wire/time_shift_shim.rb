# Loaded with RUBYOPT=-r<this file>: makes Time.now run BUNRAKU_TIME_SHIFT seconds
# in the past, so that mco stamps requests with an old :msgtime/:ssl_msgtime
# (used by record.sh to observe mcollectived's TTL check).
class << Time
  alias_method :__bunraku_now, :now
  def now(*a, **k)
    __bunraku_now(*a, **k) - Integer(ENV.fetch("BUNRAKU_TIME_SHIFT", "0"))
  end
end
