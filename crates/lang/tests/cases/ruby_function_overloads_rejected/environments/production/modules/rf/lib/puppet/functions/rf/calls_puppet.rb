Puppet::Functions.create_function(:'rf::calls_puppet') do
  def calls_puppet(n)
    "double=#{call_function('rf::double', n)} size=#{call_function('size', [1, 2, 3])}"
  end
end
