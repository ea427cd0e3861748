package dev.baton.dns.provider.route53;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Cases of AWS's published Signature Version 4 test suite (credentials AKIDEXAMPLE /
 * wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830T123600Z, us-east-1, service "service").
 */
class SigV4SignerTest {
    private static final SigV4Signer SIGNER = new SigV4Signer("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service");
    private static final Instant AT = Instant.parse("2015-08-30T12:36:00Z");
    private static final String SCOPE = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "get-vanilla|GET|/||host;x-amz-date|5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        "post-vanilla|POST|/||host;x-amz-date|5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
        "get-vanilla-query-order-key-case|GET|/?Param2=value2&Param1=value1||host;x-amz-date|b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
        "get-unreserved|GET|/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz||host;x-amz-date|07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f",
        "post-header-value-case|POST|/|My-Header1=VALUE1|host;my-header1;x-amz-date|cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d",
        "get-header-value-trim|GET|/|My-Header1= value1;My-Header2= \"a   b   c\"|host;my-header1;my-header2;x-amz-date|acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
    })
    void matchesTheSuite(String name, String method, String pathAndQuery, String extraHeaders, String signedHeaders, String signature) {
        SigV4Signer.Request request = request(method, pathAndQuery, extraHeaders);

        assertThat(SIGNER.authorization(request, AT))
                .isEqualTo(SCOPE + "SignedHeaders=" + signedHeaders + ", Signature=" + signature);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "get-vanilla|GET|/",
        "post-vanilla|POST|/",
    })
    void canonicalRequestMatchesTheSuitesCreqFile(String name, String method, String path) {
        String creq = SigV4Signer.canonicalRequest(request(method, path, null));

        assertThat(creq).isEqualTo(method + "\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @org.junit.jupiter.api.Test
    void theSortedQueryOfTheSuiteIsCanonical() {
        assertThat(SigV4Signer.canonicalRequest(request("GET", "/?Param2=value2&Param1=value1", null)))
                .startsWith("GET\n/\nParam1=value1&Param2=value2\n");
    }

    @org.junit.jupiter.api.Test
    void theSecretNeverAppearsInTheSignerDescription() {
        assertThat(SIGNER.toString()).doesNotContain("wJalrXUtnFEMI");
    }

    private static SigV4Signer.Request request(String method, String pathAndQuery, String extraHeaders) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Host", List.of("example.amazonaws.com"));
        if (extraHeaders != null && !extraHeaders.isBlank()) {
            for (String h : extraHeaders.split(";")) {
                int eq = h.indexOf('=');
                headers.put(h.substring(0, eq), List.of(h.substring(eq + 1)));
            }
        }
        headers.put("X-Amz-Date", List.of("20150830T123600Z"));
        return new SigV4Signer.Request(method, URI.create("https://example.amazonaws.com" + pathAndQuery), headers, new byte[0]);
    }
}
