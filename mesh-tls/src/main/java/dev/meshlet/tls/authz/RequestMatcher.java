package dev.meshlet.tls.authz;

/** A compiled part of a policy: does a request match it. Built once, called per request. */
@FunctionalInterface
interface RequestMatcher {

  RequestMatcher ALWAYS = r -> true;

  boolean matches(RequestAttributes request);

  static RequestMatcher anyOf(RequestMatcher[] matchers) {
    if (matchers.length == 1) {
      return matchers[0];
    }
    return r -> {
      for (RequestMatcher m : matchers) {
        if (m.matches(r)) {
          return true;
        }
      }
      return false;
    };
  }

  static RequestMatcher allOf(RequestMatcher[] matchers) {
    if (matchers.length == 0) {
      return ALWAYS;
    }
    if (matchers.length == 1) {
      return matchers[0];
    }
    return r -> {
      for (RequestMatcher m : matchers) {
        if (!m.matches(r)) {
          return false;
        }
      }
      return true;
    };
  }

  default RequestMatcher negate() {
    return r -> !matches(r);
  }
}
