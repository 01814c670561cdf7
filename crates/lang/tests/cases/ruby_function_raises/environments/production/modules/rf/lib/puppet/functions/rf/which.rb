Puppet::Functions.create_function(:'rf::which') do
  dispatch :str do
    param 'String', :s
  end
  dispatch :int do
    param 'Integer', :i
  end
  dispatch :other do
    param 'Any', :x
  end

  def str(s)
    "string #{s}"
  end

  def int(i)
    "integer #{i + 1}"
  end

  def other(x)
    "other #{x.class}"
  end
end
