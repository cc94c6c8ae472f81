package dev.meshlet.core.config.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshlet.core.config.Problem;
import dev.meshlet.core.config.ResourceReport;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Resources Istio refuses, one rule each, with the field path and the part of the message that
 * says what was expected. The rules come from Istio's validation code and CRD schema.
 */
class InvalidNetworkingResourcesTest {
  private static final String VS = "VirtualService";
  private static final String DR = "DestinationRule";
  private static final String SE = "ServiceEntry";
  private static final String WE = "WorkloadEntry";
  private static final String SC = "Sidecar";

  /** A VirtualService for host {@code reviews} with one HTTP route holding {@code route}. */
  private static String http(String route) {
    return "hosts: [reviews]\nhttp:\n- " + route.stripTrailing().indent(2).substring(2);
  }

  private static final String TO_V1 = "route:\n- destination: {host: reviews, subset: v1}\n";

  static Stream<Arguments> cases() {
    return Stream.of(
        // ---- VirtualService ----
        bad("a virtual service without routes", VS, "hosts: [reviews]", "spec", "http, tcp or tls must be provided"),
        bad("a negative weight", VS, http("route:\n- destination: {host: reviews}\n  weight: -5"),
            "spec.http[0].route[0].weight", "-5 < 0"),
        bad("weights that are all zero", VS, http("route:\n- destination: {host: reviews, subset: v1}\n  weight: 0\n"
            + "- destination: {host: reviews, subset: v2}\n  weight: 0"), "spec.http[0].route", "total destination weight = 0"),
        bad("a route entry without destination", VS, http("route:\n- weight: 100"),
            "spec.http[0].route[0].destination", "destination is required"),
        bad("a destination without host", VS, http("route:\n- destination: {subset: v1}"),
            "spec.http[0].route[0].destination.host", "host is required"),
        bad("the catch-all host for the mesh", VS, "hosts: ['*']\nhttp:\n- " + TO_V1.indent(2).substring(2),
            "spec.hosts[0]", "wildcard host * is not allowed"),
        bad("a host with an underscore", VS, "hosts: [reviews_svc]\nhttp:\n- " + TO_V1.indent(2).substring(2),
            "spec.hosts[0]", "invalid (label \"reviews_svc\" invalid)"),
        bad("a host named twice", VS, "hosts: [reviews, reviews]\nhttp:\n- " + TO_V1.indent(2).substring(2),
            "spec.hosts[1]", "duplicate hosts in virtual service: reviews & reviews"),
        bad("a wildcard host covering another", VS, "hosts: ['*.example.com', api.example.com]\nhttp:\n- "
            + "route:\n  - destination: {host: api.example.com}", "spec.hosts[1]", "duplicate hosts"),
        bad("a lookahead in a uri regex", VS, http("match:\n- uri: {regex: '^/api(?=/v1)'}\n" + TO_V1),
            "spec.http[0].match[0].uri.regex", "not a valid RE2 regex"),
        bad("a backreference in a header regex", VS, http("match:\n- headers:\n    x-user: {regex: '(a)\\1'}\n" + TO_V1),
            "spec.http[0].match[0].headers[x-user].regex", "not a valid RE2 regex"),
        bad("an empty method prefix", VS, http("match:\n- method: {prefix: ''}\n" + TO_V1),
            "spec.http[0].match[0].method.prefix", "prefix string match should not be empty"),
        bad("an empty header regex", VS, http("match:\n- headers:\n    x-user: {regex: ''}\n" + TO_V1),
            "spec.http[0].match[0].headers[x-user].regex", "regex string match should not be empty"),
        bad("exact and prefix in one string match", VS, http("match:\n- uri: {exact: /a, prefix: /b}\n" + TO_V1),
            "spec.http[0].match[0].uri", "only one of exact, prefix or regex"),
        bad("a header name with a space", VS, http("match:\n- withoutHeaders:\n    x user: {exact: a}\n" + TO_V1),
            "spec.http[0].match[0].withoutHeaders[x user]", "is not a valid header name"),
        bad("a match port out of range", VS, http("match:\n- port: 70000\n" + TO_V1),
            "spec.http[0].match[0].port", "must be in the range 1..65535"),
        bad("an invalid source namespace", VS, http("match:\n- sourceNamespace: Bad_NS\n" + TO_V1),
            "spec.http[0].match[0].sourceNamespace", "sourceNamespace match Bad_NS is invalid"),
        bad("JWT claim routing on mesh traffic", VS, http("match:\n- headers:\n    '@request.auth.claims.sub': {exact: alice}\n" + TO_V1),
            "spec.http[0].match[0].headers[@request.auth.claims.sub]", "only supported for gateway"),
        bad("a timeout under a millisecond", VS, http(TO_V1 + "timeout: 500us"), "spec.http[0].timeout", "greater than 1ms"),
        bad("a timeout finer than a millisecond", VS, http(TO_V1 + "timeout: 1.0005s"),
            "spec.http[0].timeout", "only durations to ms precision"),
        bad("a timeout that is not a duration", VS, http(TO_V1 + "timeout: 7 seconds"), "spec.http[0].timeout", "is not a duration"),
        bad("an unknown retryOn policy", VS, http(TO_V1 + "retries: {attempts: 3, retryOn: '5xx,bogus'}"),
            "spec.http[0].retries.retryOn", "\"bogus\" is not a valid retryOn policy"),
        bad("a space in retryOn", VS, http(TO_V1 + "retries: {attempts: 3, retryOn: '5xx, reset'}"),
            "spec.http[0].retries.retryOn", "\" reset\" is not a valid retryOn policy"),
        bad("a retry policy with zero attempts", VS, http(TO_V1 + "retries: {perTryTimeout: 2s}"),
            "spec.http[0].retries.attempts", "attempts are set to 0 (disabled)"),
        bad("negative retry attempts", VS, http(TO_V1 + "retries: {attempts: -1}"),
            "spec.http[0].retries.attempts", "attempts cannot be negative"),
        bad("an abort status out of range", VS, http(TO_V1 + "fault: {abort: {httpStatus: 700, percentage: {value: 10}}}"),
            "spec.http[0].fault.abort.httpStatus", "not in range 200-599"),
        bad("a delay percentage over 100", VS, http(TO_V1 + "fault: {delay: {fixedDelay: 5s, percentage: {value: 150}}}"),
            "spec.http[0].fault.delay.percentage.value", "neither 0.0, nor in range [0.0001, 100.0]"),
        bad("a fault without abort or delay", VS, http(TO_V1 + "fault: {}"), "spec.http[0].fault", "must have an abort and/or a delay"),
        bad("an unknown gRPC status", VS, http(TO_V1 + "fault: {abort: {grpcStatus: BROKEN}}"),
            "spec.http[0].fault.abort.grpcStatus", "is not supported"),
        bad("an exponential delay", VS, http(TO_V1 + "fault: {delay: {exponentialDelay: 1s}}"),
            "spec.http[0].fault.delay.exponentialDelay", "not supported yet"),
        bad("route and redirect together", VS, http(TO_V1 + "redirect: {uri: /v2}"), "spec.http[0]", "both route and redirect"),
        bad("a route, redirect or direct response missing", VS, http("timeout: 1s"),
            "spec.http[0].route", "HTTP route, redirect or direct_response is required"),
        bad("a redirect code that is not 3xx", VS, http("redirect: {uri: /v2, redirectCode: 200}"),
            "spec.http[0].redirect.redirectCode", "must be 3xx"),
        bad("an empty redirect", VS, http("redirect: {}"), "spec.http[0].redirect", "must specify URI, authority, scheme, or port"),
        bad("a redirect to ftp", VS, http("redirect: {scheme: ftp}"), "spec.http[0].redirect.scheme", "must be \"http\" or \"https\""),
        bad("an unknown derivePort", VS, http("redirect: {derivePort: FROM_NOWHERE}"),
            "spec.http[0].redirect.derivePort", "is not one of FROM_PROTOCOL_DEFAULT, FROM_REQUEST_PORT"),
        bad("rewrite uri and regex together", VS, http(TO_V1 + "rewrite: {uri: /a, uriRegexRewrite: {match: '^/b', rewrite: /c}}"),
            "spec.http[0].rewrite", "only contain one of URI or UriRegexRewrite"),
        bad("a lookbehind in a regex rewrite", VS, http(TO_V1 + "rewrite: {uriRegexRewrite: {match: '(?<=/api)/v1', rewrite: /v2}}"),
            "spec.http[0].rewrite.uriRegexRewrite.match", "not a valid RE2 regex"),
        bad("a subset name with a dot", VS, http("route:\n- destination: {host: reviews, subset: v1.0}"),
            "spec.http[0].route[0].destination.subset", "subset name is invalid: v1.0"),
        bad("a destination port out of range", VS, http("route:\n- destination: {host: reviews, port: {number: 70000}}"),
            "spec.http[0].route[0].destination.port.number", "must be in the range 1..65535"),
        bad("setting a pseudo-header", VS, http(TO_V1 + "headers: {request: {set: {':path': /x}}}"),
            "spec.http[0].headers.request.set[:path]", "header cannot have \":\" prefix"),
        bad("removing the Host response header", VS, http(TO_V1 + "headers: {response: {remove: [Host]}}"),
            "spec.http[0].headers.response.remove[0]", "cannot set Host header"),
        bad("a stray percent in a header value", VS, http(TO_V1 + "headers: {request: {set: {x-load: 100%}}}"),
            "spec.http[0].headers.request.set[x-load]", "invalid use of '%'"),
        bad("the authority rewritten twice", VS, http(TO_V1 + "rewrite: {authority: a.example.com}\nheaders: {request: {set: {host: b.example.com}}}"),
            "spec.http[0].headers.request", "authority header cannot be set multiple times"),
        bad("an unknown CORS method", VS, http(TO_V1 + "corsPolicy: {allowMethods: [FETCH]}"),
            "spec.http[0].corsPolicy.allowMethods[0]", "not a supported HTTP method"),
        bad("a CORS max age with milliseconds", VS, http(TO_V1 + "corsPolicy: {maxAge: 1500ms}"),
            "spec.http[0].corsPolicy.maxAge", "seconds precision"),
        bad("an empty CORS origin", VS, http(TO_V1 + "corsPolicy: {allowOrigins: [{exact: ''}]}"),
            "spec.http[0].corsPolicy.allowOrigins[0]", "not a valid match type for CORS allow origins"),
        bad("mirror and mirrors together", VS, http(TO_V1 + "mirror: {host: shadow}\nmirrors: [{destination: {host: shadow2}}]"),
            "spec.http[0]", "both mirror and mirrors"),
        bad("a mirror percentage over 100", VS, http(TO_V1 + "mirror: {host: shadow}\nmirrorPercentage: {value: 120}"),
            "spec.http[0].mirrorPercentage.value", "max value of 100"),
        bad("a legacy mirror_percent over 100", VS, http(TO_V1 + "mirror: {host: shadow}\nmirror_percent: 150"),
            "spec.http[0].mirror_percent", "max value of 100"),
        bad("a direct response status below 200", VS, http("directResponse: {status: 99}"),
            "spec.http[0].directResponse.status", "not in range 200-599"),
        bad("a direct response without status", VS, http("directResponse: {body: {string: hi}}"),
            "spec.http[0].directResponse.status", "status is required"),
        bad("gateways in a delegate", VS, "gateways: [mesh]\nhttp:\n- " + TO_V1.indent(2).substring(2),
            "spec.gateways", "delegate virtual service must have no gateways"),
        bad("a delegate inside a delegate", VS, "http:\n- delegate: {name: other}",
            "spec.http[0].delegate", "delegate HTTP route cannot contain delegate"),
        bad("a root route with its own route", VS, http("delegate: {name: reviews-delegate}\n" + TO_V1),
            "spec.http[0].route", "must not specify route"),
        bad("a TLS match without SNI hosts", VS, "hosts: [api.example.com]\ntls:\n- match: [{port: 443}]\n"
            + "  route: [{destination: {host: api.example.com}}]", "spec.tls[0].match[0].sniHosts", "at least one SNI host"),
        bad("an SNI host outside the hosts", VS, "hosts: [api.example.com]\ntls:\n- match: [{sniHosts: [web.example.com]}]\n"
            + "  route: [{destination: {host: api.example.com}}]", "spec.tls[0].match[0].sniHosts[0]", "not a compatible subset"),
        bad("a TCP route without destinations", VS, "hosts: [mongo]\ntcp:\n- match: [{port: 27017}]",
            "spec.tcp[0].route", "TCP route is required"),
        bad("a CIDR with too many bits", VS, "hosts: [mongo]\ntcp:\n- match: [{destinationSubnets: [10.0.0.0/33]}]\n"
            + "  route: [{destination: {host: mongo}}]", "spec.tcp[0].match[0].destinationSubnets[0]", "not a valid CIDR block"),
        bad("an exportTo that is no namespace", VS, http(TO_V1).replace("hosts:", "exportTo: [Bad.Ns]\nhosts:"),
            "spec.exportTo[0]", "valid DNS 1123 label"),
        bad("a misspelt field", VS, http("route:\n- destination: {host: reviews}\n  weigth: 100"),
            "spec.http[0].route[0].weigth", "unknown field (did you mean weight?)"),
        bad("a gateway name with an empty namespace", VS, "hosts: [reviews]\ngateways: [/bookinfo-gateway]\nhttp:\n- "
            + TO_V1.indent(2).substring(2), "spec.gateways[0]", "cannot be empty"),

        // ---- DestinationRule ----
        bad("a rule without host", DR, "subsets: [{name: v1, labels: {version: v1}}]", "spec.host", "host is required"),
        bad("a host with an empty label", DR, "host: reviews..default", "spec.host", "invalid (label \"\" invalid)"),
        bad("two subsets with one name", DR, "host: reviews\nsubsets:\n- {name: v1, labels: {version: v1}}\n- {name: v1, labels: {version: v2}}",
            "spec.subsets[1].name", "duplicate subset names: v1"),
        bad("a subset without name", DR, "host: reviews\nsubsets:\n- labels: {version: v1}", "spec.subsets[0].name", "subset name cannot be empty"),
        bad("a subset label value with '!'", DR, "host: reviews\nsubsets:\n- {name: v1, labels: {version: 'v1!'}}",
            "spec.subsets[0].labels[version]", "invalid tag value"),
        bad("an empty traffic policy", DR, "host: reviews\ntrafficPolicy: {}", "spec.trafficPolicy", "at least one field"),
        bad("an empty connection pool", DR, "host: reviews\ntrafficPolicy: {connectionPool: {}}",
            "spec.trafficPolicy.connectionPool", "at least one field"),
        bad("negative max connections", DR, "host: reviews\ntrafficPolicy: {connectionPool: {tcp: {maxConnections: -1}}}",
            "spec.trafficPolicy.connectionPool.tcp.maxConnections", "must be non-negative"),
        bad("a zero connect timeout", DR, "host: reviews\ntrafficPolicy: {connectionPool: {tcp: {connectTimeout: 0s}}}",
            "spec.trafficPolicy.connectionPool.tcp.connectTimeout", "greater than 1ms"),
        bad("upgrade with the client's protocol", DR,
            "host: reviews\ntrafficPolicy: {connectionPool: {http: {h2UpgradePolicy: UPGRADE, useClientProtocol: true}}}",
            "spec.trafficPolicy.connectionPool.http.useClientProtocol", "must not be true when H2UpgradePolicy is UPGRADE"),
        bad("an ejection percent over 100", DR, "host: reviews\ntrafficPolicy: {outlierDetection: {maxEjectionPercent: 150}}",
            "spec.trafficPolicy.outlierDetection.maxEjectionPercent", "not in range 0..100"),
        bad("local origin failures without splitting", DR,
            "host: reviews\ntrafficPolicy: {outlierDetection: {consecutiveLocalOriginFailures: 5}}",
            "spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures", "split external local origin errors is set to false"),
        bad("a Maglev table size that is not prime", DR,
            "host: reviews\ntrafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true, maglev: {tableSize: 1000}}}}",
            "spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize", "must be a prime number"),
        bad("simple and consistent hash together", DR,
            "host: reviews\ntrafficPolicy: {loadBalancer: {simple: ROUND_ROBIN, consistentHash: {useSourceIp: true}}}",
            "spec.trafficPolicy.loadBalancer", "only one of simple or consistentHash"),
        bad("a hash cookie without name", DR,
            "host: reviews\ntrafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {ttl: 0s}}}}",
            "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name", "name required for HttpCookie"),
        bad("locality weights that do not add up", DR,
            "host: reviews\ntrafficPolicy:\n  outlierDetection: {consecutive5xxErrors: 5}\n  loadBalancer:\n    localityLbSetting:\n"
                + "      distribute: [{from: us-west/zone1/*, to: {'us-west/zone1/*': 80, 'us-west/zone2/*': 10}}]",
            "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to", "total locality weight 90 != 100"),
        bad("distribute and failover together", DR,
            "host: reviews\ntrafficPolicy:\n  loadBalancer:\n    localityLbSetting:\n      distribute: [{from: us-west, to: {us-east: 100}}]\n"
                + "      failover: [{from: us-west, to: us-east}]",
            "spec.trafficPolicy.loadBalancer.localityLbSetting", "can not simultaneously specify 'distribute' and 'failover'"),
        bad("failover to the same region", DR,
            "host: reviews\ntrafficPolicy:\n  outlierDetection: {consecutive5xxErrors: 5}\n  loadBalancer:\n    localityLbSetting:\n"
                + "      failover: [{from: us-west, to: us-west}]",
            "spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]", "must specify different regions"),
        bad("mutual TLS without a client certificate", DR, "host: reviews\ntrafficPolicy: {tls: {mode: MUTUAL, privateKey: /k.pem}}",
            "spec.trafficPolicy.tls.clientCertificate", "client certificate required for mutual tls"),
        bad("a credential name beside certificate files", DR,
            "host: reviews\ntrafficPolicy: {tls: {mode: SIMPLE, credentialName: cred, caCertificates: /ca.pem}}",
            "spec.trafficPolicy.tls", "cannot specify client certificates or CA certificate"),
        bad("an unknown TLS mode", DR, "host: reviews\ntrafficPolicy: {tls: {mode: STRICT}}",
            "spec.trafficPolicy.tls.mode", "is not one of DISABLE, SIMPLE, MUTUAL, ISTIO_MUTUAL"),
        bad("a port policy without port", DR, "host: reviews\ntrafficPolicy: {portLevelSettings: [{loadBalancer: {simple: RANDOM}}]}",
            "spec.trafficPolicy.portLevelSettings[0].port", "must have valid port"),
        bad("tunnel and PROXY protocol together", DR,
            "host: reviews\ntrafficPolicy: {tunnel: {targetHost: a.example.com, targetPort: 8443}, proxyProtocol: {version: V2}}",
            "spec.trafficPolicy", "tunnel and proxyProtocol must not be set together"),
        bad("a tunnel over GET", DR, "host: reviews\ntrafficPolicy: {tunnel: {protocol: GET, targetHost: a.example.com, targetPort: 8443}}",
            "spec.trafficPolicy.tunnel.protocol", "must be \"CONNECT\" or \"POST\""),
        bad("a subset policy with a bad interval", DR,
            "host: reviews\nsubsets:\n- name: v1\n  labels: {version: v1}\n  trafficPolicy: {outlierDetection: {interval: 0.5ms}}",
            "spec.subsets[0].trafficPolicy.outlierDetection.interval", "greater than 1ms"),
        bad("a workload-scoped rule exported everywhere", DR,
            "host: reviews\nworkloadSelector: {matchLabels: {app: productpage}}\nexportTo: ['*']\ntrafficPolicy: {tls: {mode: ISTIO_MUTUAL}}",
            "spec.exportTo", "cannot have exportTo beyond current namespace"),
        bad("a warmup aggression below 1", DR, "host: reviews\ntrafficPolicy: {loadBalancer: {warmup: {duration: 60s, aggression: 0.5}}}",
            "spec.trafficPolicy.loadBalancer.warmup.aggression", "expected: 1 or more"),
        bad("a warmup without duration", DR, "host: reviews\ntrafficPolicy: {loadBalancer: {warmup: {minimumPercent: 20}}}",
            "spec.trafficPolicy.loadBalancer.warmup.duration", "duration is required"),
        bad("a warmup start over 100 percent", DR, "host: reviews\ntrafficPolicy: {loadBalancer: {warmup: {duration: 1m, minimumPercent: 120}}}",
            "spec.trafficPolicy.loadBalancer.warmup.minimumPercent", "expected: 0..100"),
        bad("an HTTP/2 keep-alive under a millisecond", DR,
            "host: reviews\ntrafficPolicy: {connectionPool: {http: {http2KeepAlive: {interval: 10s, timeout: 0s}}}}",
            "spec.trafficPolicy.connectionPool.http.http2KeepAlive.timeout", "greater than 1ms"),
        bad("a wildcard in a rule's selector", DR, "host: reviews\nworkloadSelector: {matchLabels: {app: '*'}}\ntrafficPolicy: {tls: {mode: ISTIO_MUTUAL}}",
            "spec.workloadSelector.matchLabels[app]", "wildcard is not supported in selector"),

        // ---- ServiceEntry ----
        bad("an entry without hosts", SE, "ports: [{number: 80, name: http, protocol: HTTP}]", "spec.hosts", "at least one host"),
        bad("the catch-all host", SE, "hosts: ['*']\nports: [{number: 80, name: http, protocol: HTTP}]", "spec.hosts[0]", "invalid host *"),
        bad("an address that is no IP", SE, "hosts: [db.example.com]\naddresses: [300.1.1.1]\nports: [{number: 5432, name: tcp, protocol: TCP}]",
            "spec.addresses[0]", "is not a valid IP"),
        bad("a CIDR with DNS resolution", SE,
            "hosts: [db.example.com]\naddresses: [10.0.0.0/24]\nresolution: DNS\nports: [{number: 5432, name: tcp, protocol: TCP}]",
            "spec.addresses", "CIDR addresses are allowed only for NONE/STATIC"),
        bad("a port number used twice", SE, "hosts: [api.example.com]\nports:\n- {number: 443, name: https, protocol: HTTPS}\n"
            + "- {number: 443, name: tls, protocol: TLS}", "spec.ports[1].number", "service entry port 443 already defined"),
        bad("a port name with an underscore", SE, "hosts: [api.example.com]\nports: [{number: 80, name: http_web, protocol: HTTP}]",
            "spec.ports[0].name", "invalid port name"),
        bad("an unknown protocol", SE, "hosts: [api.example.com]\nports: [{number: 80, name: http, protocol: SOAP}]",
            "spec.ports[0].protocol", "unsupported protocol: SOAP"),
        bad("endpoints with resolution NONE", SE, "hosts: [api.example.com]\nports: [{number: 80, name: http, protocol: HTTP}]\n"
            + "endpoints: [{address: 1.2.3.4}]", "spec.endpoints", "no endpoints should be provided for resolution type none"),
        bad("a hostname for a STATIC endpoint", SE, "hosts: [api.example.com]\nresolution: STATIC\n"
            + "ports: [{number: 80, name: http, protocol: HTTP}]\nendpoints: [{address: api.internal}]",
            "spec.endpoints[0].address", "is not a valid IP address"),
        bad("a wildcard host resolved by DNS without endpoints", SE,
            "hosts: ['*.example.com']\nresolution: DNS\nports: [{number: 80, name: http, protocol: HTTP}]",
            "spec.hosts[0]", "hosts must be FQDN if no endpoints are provided"),
        bad("two endpoints for DNS_ROUND_ROBIN", SE, "hosts: [api.example.com]\nresolution: DNS_ROUND_ROBIN\n"
            + "ports: [{number: 80, name: http, protocol: HTTP}]\nendpoints: [{address: a.example.com}, {address: b.example.com}]",
            "spec.endpoints", "there must only be 0 or 1 endpoint"),
        bad("a selector beside endpoints", SE, "hosts: [api.internal]\nresolution: STATIC\nlocation: MESH_INTERNAL\n"
            + "ports: [{number: 80, name: http, protocol: HTTP}]\nworkloadSelector: {labels: {app: api}}\nendpoints: [{address: 10.0.0.1}]",
            "spec", "only one of WorkloadSelector or Endpoints"),
        bad("an endpoint port the service lacks", SE, "hosts: [api.example.com]\nresolution: STATIC\n"
            + "ports: [{number: 80, name: http, protocol: HTTP}]\nendpoints: [{address: 10.0.0.1, ports: {grpc: 9090}}]",
            "spec.endpoints[0].ports[grpc]", "is not defined by the service entry"),
        bad("several hosts on a TCP port", SE, "hosts: [a.example.com, b.example.com]\nresolution: DNS\n"
            + "ports: [{number: 5432, name: tcp, protocol: TCP}]", "spec.hosts", "multiple hosts provided with non-HTTP, non-TLS ports"),
        bad("a wildcard in the selector", SE, "hosts: [api.internal]\nresolution: STATIC\nports: [{number: 80, name: http, protocol: HTTP}]\n"
            + "workloadSelector: {labels: {app: 'api-*'}}", "spec.workloadSelector.labels[app]", "wildcard is not supported in selector"),
        bad("an unknown resolution", SE, "hosts: [api.example.com]\nresolution: MAGIC", "spec.resolution", "is not one of NONE, STATIC, DNS"),

        // ---- WorkloadEntry ----
        bad("an entry without address", WE, "labels: {app: vm}", "spec.address", "address is required"),
        bad("an address that is no host", WE, "address: not_valid!", "spec.address", "is not a valid FQDN or an IP address"),
        bad("a Unix socket with ports", WE, "address: unix:///var/run/app.sock\nports: {http: 8080}", "spec.ports", "must not include ports"),
        bad("a Unix socket directory", WE, "address: unix:///var/run/", "spec.address", "is not an absolute path to a file"),
        bad("a relative Unix socket path", WE, "address: unix://var/run/app.sock", "spec.address", "is not an absolute path"),
        bad("port zero", WE, "address: 10.0.0.5\nports: {http: 0}", "spec.ports[http]", "must be in the range 1..65535"),
        bad("a port name with a space", WE, "address: 10.0.0.5\nports: {'http web': 8080}", "spec.ports[http web]", "invalid port name"),
        bad("a label key with two slashes", WE, "address: 10.0.0.5\nlabels: {'a/b/c': x}", "spec.labels[a/b/c]", "invalid tag key"),
        bad("a negative weight", WE, "address: 10.0.0.5\nweight: -1", "spec.weight", "is negative"),

        // ---- Sidecar ----
        bad("an empty sidecar", SC, "workloadSelector: {labels: {app: reviews}}", "spec", "empty configuration provided"),
        bad("an ingress listener without port", SC, "ingress: [{defaultEndpoint: '127.0.0.1:8080'}]",
            "spec.ingress[0].port", "port is required for ingress listeners"),
        bad("a default endpoint on another host", SC,
            "ingress: [{port: {number: 9080, protocol: HTTP, name: http}, defaultEndpoint: '10.0.0.1:8080'}]",
            "spec.ingress[0].defaultEndpoint", "defaultEndpoint must be of form"),
        bad("an ingress port with an unknown protocol", SC, "ingress: [{port: {number: 9080, protocol: SOAP, name: soap}}]",
            "spec.ingress[0].port.protocol", "unsupported protocol"),
        bad("two ingress listeners on one port", SC, "ingress:\n- port: {number: 9080, protocol: HTTP, name: a}\n"
            + "- port: {number: 9080, protocol: HTTP, name: b}", "spec.ingress[1].port.number", "must be unique"),
        bad("ISTIO_MUTUAL ingress TLS", SC, "ingress: [{port: {number: 9443, protocol: HTTPS, name: https}, tls: {mode: ISTIO_MUTUAL}}]",
            "spec.ingress[0].tls.mode", "cannot set mode to ISTIO_MUTUAL"),
        bad("an egress host without namespace", SC, "egress: [{hosts: [reviews.default.svc.cluster.local]}]",
            "spec.egress[0].hosts[0]", "host must be of form namespace/dnsName"),
        bad("an egress short name", SC, "egress: [{hosts: [./reviews]}]", "spec.egress[0].hosts[0]", "short names (non FQDN) are not allowed"),
        bad("a catch-all egress listener before another", SC, "egress:\n- hosts: ['./*']\n- port: {number: 9080, protocol: HTTP, name: http}\n"
            + "  hosts: ['istio-system/*']", "spec.egress[0]", "should be the last listener"),
        bad("an egress listener without hosts", SC, "egress: [{port: {number: 9080, protocol: HTTP, name: http}}]",
            "spec.egress[0].hosts", "must contain at least one host"),
        bad("an egress port 0 bound to an IP", SC, "egress: [{port: {number: 0, protocol: HTTP, name: http}, hosts: ['./*']}]",
            "spec.egress[0].bind", "must have a unix domain socket bind address"),
        bad("an egress proxy under REGISTRY_ONLY", SC,
            "outboundTrafficPolicy: {mode: REGISTRY_ONLY, egressProxy: {host: proxy.example.com, port: {number: 3128}}}",
            "spec.outboundTrafficPolicy.egressProxy", "only with ALLOW_ANY"),
        bad("an egress proxy without port", SC, "outboundTrafficPolicy: {mode: ALLOW_ANY, egressProxy: {host: proxy.example.com}}",
            "spec.outboundTrafficPolicy.egressProxy.port", "port must be non-nil"),
        bad("an unknown outbound mode", SC, "outboundTrafficPolicy: {mode: DENY}", "spec.outboundTrafficPolicy.mode",
            "is not one of REGISTRY_ONLY, ALLOW_ANY"),
        bad("negative inbound max retries", SC, "inboundConnectionPool: {http: {maxRetries: -1}}",
            "spec.inboundConnectionPool.http.maxRetries", "must be non-negative"));
  }

  private static Arguments bad(String what, String kind, String spec, String path, String fragment) {
    return Arguments.of(kind + ": " + what, kind, spec, path, fragment);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isRefusedWithTheFieldPathAndWhy(String what, String kind, String spec, String path, String fragment) {
    ResourceReport report = Docs.read(kind, spec);

    assertThat(report.valid()).as("valid? %s", report.problems()).isFalse();
    assertThat(report.errors())
        .as("errors of %s", Docs.doc(kind, spec))
        .anySatisfy(p -> {
          assertThat(p.path()).isEqualTo(path);
          assertThat(p.message()).contains(fragment);
        });
    assertThat(report.errors()).allMatch(Problem::isError);
  }
}
