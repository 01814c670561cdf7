$h = { 1 => a, 1.0 => b, "1" => c, true => d, undef => e, default => f, true => g }
