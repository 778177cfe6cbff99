"""Special recruitment fairs (专场招聘会): organised by a career office, a province or the
national administrator; verified employers register and attach jobs; graduates browse."""
