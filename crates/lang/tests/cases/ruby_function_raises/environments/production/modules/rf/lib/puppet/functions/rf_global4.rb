Puppet::Functions.create_function(:rf_global4) do
  def rf_global4(x)
    "global #{x}"
  end
end
