package dev.meshlet.core.config.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.meshlet.core.config.Resource;
import dev.meshlet.core.config.ResourceReport;
import dev.meshlet.core.config.codec.ConfigReader;
import dev.meshlet.core.config.codec.Durations;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Resources Istio accepts, written after the uses its reference pages describe: each must come
 * out valid, with no error (warnings are allowed and tested apart).
 */
class ValidNetworkingResourcesTest {
  private static final String VS = "VirtualService";
  private static final String DR = "DestinationRule";
  private static final String SE = "ServiceEntry";
  private static final String WE = "WorkloadEntry";
  private static final String SC = "Sidecar";

  static Stream<Arguments> cases() {
    return Stream.of(
        ok("prefix matches rewritten to a new catalog", VS, """
            hosts: [reviews.prod.svc.cluster.local]
            http:
            - name: reviews-v2-routes
              match:
              - uri: {prefix: /wpcatalog}
              - uri: {prefix: /consumercatalog}
              rewrite: {uri: /newcatalog}
              route:
              - destination: {host: reviews.prod.svc.cluster.local, subset: v2}
            - name: reviews-v1-route
              route:
              - destination: {host: reviews.prod.svc.cluster.local, subset: v1}
            """),
        ok("retries, timeout and status-code retryOn", VS, """
            hosts: [ratings.prod.svc.cluster.local]
            http:
            - route:
              - destination: {host: ratings.prod.svc.cluster.local, subset: v1}
              timeout: 10s
              retries:
                attempts: 3
                perTryTimeout: 2s
                retryOn: gateway-error,connect-failure,refused-stream,503,retriable-4xx
                retryRemoteLocalities: true
                retryIgnorePreviousHosts: false
                backoff: 25ms
            """),
        ok("a CORS policy", VS, """
            hosts: [ratings.prod.svc.cluster.local]
            http:
            - route:
              - destination: {host: ratings.prod.svc.cluster.local, subset: v1}
              corsPolicy:
                allowOrigins:
                - exact: https://example.com
                - regex: 'https://.*\\.example\\.org'
                allowMethods: [POST, GET]
                allowCredentials: false
                allowHeaders: [X-Foo-Bar, '*']
                exposeHeaders: [X-Expose]
                maxAge: 24h
                unmatchedPreflights: IGNORE
            """),
        ok("mirroring to one and to several destinations", VS, """
            hosts: [httpbin]
            http:
            - match: [{uri: {prefix: /a}}]
              route:
              - destination: {host: httpbin, subset: v1}
                weight: 100
              mirror: {host: httpbin, subset: v2}
              mirrorPercentage: {value: 100.0}
            - route:
              - destination: {host: httpbin, subset: v1}
              mirrors:
              - destination: {host: httpbin, subset: v2}
                percentage: {value: 50}
              - destination: {host: httpbin-shadow, port: {number: 8000}}
            """),
        ok("delay and abort faults", VS, """
            hosts: [reviews.prod.svc.cluster.local]
            http:
            - match: [{sourceLabels: {env: prod}}]
              route: [{destination: {host: reviews.prod.svc.cluster.local, subset: v1}}]
              fault:
                delay: {percentage: {value: 0.1}, fixedDelay: 5s}
            - match: [{sourceNamespace: test}]
              route: [{destination: {host: reviews.prod.svc.cluster.local, subset: v1}}]
              fault:
                abort: {percentage: {value: 0.1}, httpStatus: 400}
            - route: [{destination: {host: reviews.prod.svc.cluster.local, subset: v1}}]
              fault:
                abort: {grpcStatus: UNAVAILABLE}
                delay: {fixedDelay: 1s}
            """),
        ok("redirects", VS, """
            hosts: [ratings.prod.svc.cluster.local]
            http:
            - match: [{uri: {exact: /v1/getProductRatings}}]
              redirect: {uri: /v1/bookRatings, authority: newratings.default.svc.cluster.local}
            - match: [{uri: {exact: /old}}]
              redirect: {derivePort: FROM_REQUEST_PORT, scheme: https, redirectCode: 308}
            - match: [{uri: {exact: /other}}]
              redirect: {port: 8080}
            - route: [{destination: {host: ratings.prod.svc.cluster.local}}]
            """),
        ok("a direct response", VS, """
            hosts: [ratings.prod.svc.cluster.local]
            http:
            - match: [{uri: {exact: /v1/getProductRatings}}]
              directResponse:
                status: 503
                body: {string: unknown path}
            - match: [{uri: {exact: /bytes}}]
              directResponse:
                status: 200
                body: {bytes: aGVsbG8=}
            - route: [{destination: {host: ratings.prod.svc.cluster.local}}]
            """),
        ok("header edits with Envoy variables", VS, """
            hosts: [reviews]
            http:
            - headers:
                request:
                  set: {x-client: '%DOWNSTREAM_REMOTE_ADDRESS%', x-share: 100%%}
                  remove: [x-legacy]
                response:
                  add: {x-served-by: reviews}
                  remove: [x-internal]
              route:
              - destination: {host: reviews, subset: v2}
                weight: 25
                headers: {response: {set: {x-version: v2}}}
              - destination: {host: reviews, subset: v1}
                weight: 75
            """),
        ok("a regex rewrite and regex matches", VS, """
            hosts: [svc.example.com]
            http:
            - match:
              - uri: {regex: '^/service/([^/]+)(/.*)$'}
                queryParams: {id: {regex: '^[0-9]+$'}, mode: {exact: fast}}
                withoutHeaders: {x-debug: {regex: '*'}}
                ignoreUriCase: true
                scheme: {exact: https}
                method: {exact: GET}
                authority: {prefix: svc}
                port: 9080
                headers: {X-User: {prefix: j}, x-empty: {}}
              rewrite:
                uriRegexRewrite: {match: '^/service/([^/]+)(/.*)$', rewrite: '\\2/instance/\\1'}
              route: [{destination: {host: svc.example.com}}]
            """),
        ok("weights that are relative, not percentages", VS, """
            hosts: [reviews]
            http:
            - route:
              - destination: {host: reviews, subset: v1}
                weight: 150
              - destination: {host: reviews, subset: v2}
                weight: 0
            """),
        ok("a root route and its delegate", VS, """
            hosts: [bookinfo.example.com]
            http:
            - name: reviews
              match: [{uri: {prefix: /reviews}}]
              delegate: {name: reviews, namespace: nsA}
            - route: [{destination: {host: productpage.nsA.svc.cluster.local}}]
            """),
        ok("a delegate without hosts", VS, """
            http:
            - match: [{uri: {prefix: /reviews/v2}}]
              route: [{destination: {host: reviews.nsA.svc.cluster.local, subset: v2}}]
            - route: [{destination: {host: reviews.nsA.svc.cluster.local, subset: v1}}]
            """),
        ok("TLS and TCP routes", VS, """
            hosts: ['*.bookinfo.com', mongo.prod.svc.cluster.local, 10.0.0.1]
            tls:
            - match:
              - sniHosts: [login.bookinfo.com]
                port: 443
                destinationSubnets: [10.0.0.0/8, '2001:db8::/32']
              route: [{destination: {host: login.prod.svc.cluster.local}}]
            tcp:
            - match: [{port: 27017, sourceLabels: {app: reviews}}]
              route:
              - destination: {host: mongo.backup.svc.cluster.local, port: {number: 5555}}
            """),
        ok("a gateway and the mesh", VS, """
            hosts: [reviews]
            gateways: [bookinfo-gateway, istio-system/edge, mesh]
            http:
            - match: [{gateways: [mesh], headers: {end-user: {exact: jason}}}]
              route: [{destination: {host: reviews, subset: v2}}]
            - route: [{destination: {host: reviews, subset: v1}}]
            """),

        ok("load balancing per subset and port", DR, """
            host: ratings.prod.svc.cluster.local
            trafficPolicy:
              loadBalancer: {simple: LEAST_REQUEST}
              portLevelSettings:
              - port: {number: 80}
                loadBalancer: {simple: LEAST_REQUEST}
              - port: {number: 9080}
                loadBalancer: {simple: ROUND_ROBIN}
            subsets:
            - name: testversion
              labels: {version: v3}
              trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
            """),
        ok("consistent hashing", DR, """
            host: bookinfo-ratings.prod.svc.cluster.local
            trafficPolicy:
              loadBalancer:
                consistentHash:
                  httpCookie:
                    name: user
                    ttl: 0s
                    path: /
                    attributes: [{name: SameSite, value: Strict}, {name: Secure}]
                  ringHash: {minimumRingSize: 1024}
            subsets:
            - name: maglev
              labels: {lb: maglev}
              trafficPolicy:
                loadBalancer:
                  consistentHash: {httpHeaderName: x-user, maglev: {tableSize: 65537}}
            - name: by-ip
              labels: {lb: ip}
              trafficPolicy:
                loadBalancer:
                  consistentHash: {useSourceIp: true}
            """),
        ok("connection pool and outlier detection", DR, """
            host: reviews.prod.svc.cluster.local
            trafficPolicy:
              connectionPool:
                tcp:
                  maxConnections: 100
                  connectTimeout: 30ms
                  tcpKeepalive: {time: 7200s, interval: 75s, probes: 9}
                  maxConnectionDuration: 1h
                  idleTimeout: 10m
                http:
                  http1MaxPendingRequests: 1024
                  http2MaxRequests: 1000
                  maxRequestsPerConnection: 10
                  maxRetries: 3
                  idleTimeout: 90s
                  h2UpgradePolicy: UPGRADE
                  maxConcurrentStreams: 100
              outlierDetection:
                consecutive5xxErrors: 7
                consecutiveGatewayErrors: 5
                splitExternalLocalOriginErrors: true
                consecutiveLocalOriginFailures: 3
                interval: 5m
                baseEjectionTime: 15m
                maxEjectionPercent: 100
                minHealthPercent: 0
            """),
        ok("client TLS modes", DR, """
            host: '*.example.com'
            trafficPolicy:
              tls:
                mode: MUTUAL
                clientCertificate: /etc/certs/myclientcert.pem
                privateKey: /etc/certs/client_private_key.pem
                caCertificates: /etc/certs/rootcacerts.pem
                subjectAltNames: [db.example.com]
                sni: db.example.com
              portLevelSettings:
              - port: {number: 443}
                tls: {mode: SIMPLE, credentialName: client-credential}
              - port: {number: 8443}
                tls: {mode: SIMPLE, insecureSkipVerify: true}
            """),
        ok("locality distribution and failover", DR, """
            host: helloworld.sample.svc.cluster.local
            trafficPolicy:
              outlierDetection: {consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 1m}
              loadBalancer:
                simple: ROUND_ROBIN
                localityLbSetting:
                  enabled: true
                  distribute:
                  - from: us-west/zone1/*
                    to: {'us-west/zone1/*': 80, 'us-west/zone2/*': 20}
                  - from: us-west/zone2/*
                    to: {'us-west/zone1/*': 20, 'us-west/zone2/*': 80}
            subsets:
            - name: failover
              labels: {app: helloworld}
              trafficPolicy:
                outlierDetection: {consecutive5xxErrors: 1}
                loadBalancer:
                  localityLbSetting:
                    failover: [{from: us-east, to: eu-west}, {from: us-west, to: us-east}]
                    failoverPriority: [topology.istio.io/network]
            """),
        ok("warmup, tunnel, PROXY protocol and retry budget", DR, """
            host: reviews
            trafficPolicy:
              loadBalancer:
                simple: LEAST_REQUEST
                warmup: {duration: 60s, minimumPercent: 10, aggression: 1.5}
              tunnel: {protocol: CONNECT, targetHost: 192.168.1.2, targetPort: 443}
              retryBudget: {percent: 20, minRetryConcurrency: 3}
            subsets:
            - name: legacy
              labels: {version: v1}
              trafficPolicy: {proxyProtocol: {version: V1}}
            """),
        ok("HTTP/2 keep-alive and a steep warmup", DR, """
            host: grpc.prod.svc.cluster.local
            trafficPolicy:
              connectionPool:
                http: {h2UpgradePolicy: UPGRADE, http2KeepAlive: {interval: 30s, timeout: 3s}}
              loadBalancer:
                simple: ROUND_ROBIN
                warmup: {duration: 2m, aggression: 4.0}
            """),
        ok("a rule for one workload in its namespace", DR, """
            host: ratings.prod.svc.cluster.local
            workloadSelector: {matchLabels: {app: ratings}}
            exportTo: [.]
            trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
            """),

        ok("external HTTPS services", SE, """
            hosts: [api.dropboxapi.com, www.googleapis.com]
            ports: [{number: 443, name: https, protocol: TLS}]
            location: MESH_EXTERNAL
            resolution: DNS
            """),
        ok("an external database with static endpoints", SE, """
            hosts: [mymongodb.somedomain]
            addresses: [192.192.192.192/24]
            ports: [{number: 27018, name: mongodb, protocol: MONGO}]
            location: MESH_INTERNAL
            resolution: STATIC
            endpoints:
            - address: 2.2.2.2
            - address: 3.3.3.3
              ports: {mongodb: 27019}
              labels: {az: a}
              locality: us-east1/b
              weight: 2
            """),
        ok("workloads selected for an internal service", SE, """
            hosts: [mysqldb.vm.svc.cluster.local]
            location: MESH_INTERNAL
            ports: [{number: 3306, name: mysql, protocol: MYSQL, targetPort: 3307}]
            resolution: STATIC
            workloadSelector: {labels: {app: mysqldb}}
            """),
        ok("a Unix domain socket endpoint", SE, """
            hosts: [example.unix.local]
            location: MESH_EXTERNAL
            ports: [{number: 80, name: http, protocol: HTTP}]
            resolution: STATIC
            endpoints: [{address: unix:///var/run/example/socket}]
            """),
        ok("DNS resolution through endpoint hostnames", SE, """
            hosts: [foo.bar.com]
            location: MESH_EXTERNAL
            ports:
            - {number: 80, name: http, protocol: HTTP}
            - {number: 443, name: https, protocol: HTTPS}
            resolution: DNS
            endpoints:
            - address: us.foo.bar.com
              ports: {https: 8443}
            - address: uk.foo.bar.com
              ports: {https: 9443}
            exportTo: [., istio-system]
            subjectAltNames: [spiffe://cluster.local/ns/default/sa/foo]
            """),
        ok("dynamic DNS for a wildcard host", SE, """
            hosts: ['*.wikipedia.org']
            ports: [{number: 80, name: http, protocol: HTTP}]
            resolution: DYNAMIC_DNS
            """),
        ok("a passthrough range", SE, """
            hosts: [internal.range]
            addresses: [10.10.0.0/16]
            ports: [{number: 5432, name: tcp, protocol: TCP}]
            exportTo: ['~']
            """),

        ok("hosts alone, with an IPv6 address and a partial wildcard", SE, """
            hosts: ['*svc', legacy.example.com]
            addresses: ['2001:db8::', 192.0.2.1/32]
            """),
        ok("an abstract Unix socket", WE, "address: unix://@agent"),
        ok("a VM by IP", WE, """
            address: 2.2.2.2
            labels: {app: details-legacy, instance-id: vm1}
            serviceAccount: details-legacy
            ports: {http: 9080}
            """),
        ok("a VM by hostname", WE, """
            address: vm1.vpc01.corp.net
            network: vpc-01
            locality: us-west/zone1
            weight: 10
            """),
        ok("a workload on a Unix socket", WE, "address: unix:///var/run/app.sock"),

        ok("a namespace-wide egress scope", SC, """
            egress:
            - hosts: ['./*', 'istio-system/*']
            """),
        ok("listeners for one workload", SC, """
            workloadSelector: {labels: {app: ratings}}
            ingress:
            - port: {number: 9080, protocol: HTTP, name: somename}
              defaultEndpoint: unix:///var/run/someuds.sock
            - port: {number: 9090, protocol: HTTP, name: other}
              defaultEndpoint: 127.0.0.1:8080
              connectionPool: {http: {http1MaxPendingRequests: 100}}
            - port: {number: 8443, protocol: HTTPS, name: https}
              defaultEndpoint: '[::1]:8443'
              tls: {mode: SIMPLE, privateKey: /etc/certs/key.pem, serverCertificate: /etc/certs/cert.pem}
            egress:
            - port: {number: 9080, protocol: HTTP, name: egresshttp}
              hosts: [prod-us1/*]
            - port: {number: 0, protocol: HTTP, name: uds}
              bind: unix:///var/run/egress.sock
              captureMode: NONE
              hosts: ['*/*.example.com']
            - hosts: [istio-system/*]
            outboundTrafficPolicy: {mode: REGISTRY_ONLY}
            inboundConnectionPool:
              tcp: {maxConnections: 1000}
              http: {http2MaxRequests: 1000}
            """),
        ok("an egress proxy for unknown hosts", SC, """
            outboundTrafficPolicy:
              mode: ALLOW_ANY
              egressProxy:
                host: foo.bar
                subset: shiny
                port: {number: 5000}
            egress:
            - hosts: [./*]
            """));
  }

  private static Arguments ok(String what, String kind, String spec) {
    return Arguments.of(kind + ": " + what, kind, spec);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isAccepted(String what, String kind, String spec) {
    ResourceReport report = Docs.read(kind, spec);

    assertThat(report.errors()).as("%s", Docs.doc(kind, spec)).isEmpty();
    assertThat(report.valid()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void keepsEveryFieldThroughAWriteAndARead(String what, String kind, String spec) throws Exception {
    JsonNode original = new YAMLMapper().readTree(Docs.doc(kind, spec));
    Resource<?> resource = Docs.read(kind, spec).resource();

    JsonNode written = ConfigReader.toTree(resource);

    assertThat(written.equals(SAME_VALUE, original)).as("written %s%nread    %s", written, original).isTrue();
    assertThat(ConfigReader.readDocument("again", 0, written).resource()).isEqualTo(resource);
  }

  /** 100 and 100.0 are one number; 7200s and 2h are one duration. */
  private static final Comparator<JsonNode> SAME_VALUE = (a, b) -> {
    if (a.isNumber() && b.isNumber()) {
      return Double.compare(a.doubleValue(), b.doubleValue());
    }
    if (a.isTextual() && b.isTextual() && !a.equals(b)) {
      var da = Durations.parse(a.textValue());
      return da.isPresent() && da.equals(Durations.parse(b.textValue())) ? 0 : 1;
    }
    return a.equals(b) ? 0 : 1;
  };
}
