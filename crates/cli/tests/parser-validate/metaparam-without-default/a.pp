define foo($schedule) {}
