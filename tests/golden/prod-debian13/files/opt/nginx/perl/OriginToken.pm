# Viewer tokens, checked by nginx on every playlist and segment request it serves. Rendered by the
# origin stack from files/nginx-config/OriginToken.pm; nginx's embedded Perl runs it (perl_set).
#
# The format is Cloudflare's is_timed_hmac_valid_v0, so the edge's WAF rule and this check accept the
# same tokens (https://developers.cloudflare.com/ruleset-engine/rules-language/functions/#hmac-validation):
# a token is <timestamp>-<mac>, the 10-digit Unix time it was issued and the URL-safe, unpadded base64
# of HMAC-SHA256(key, "channel=<id>" . timestamp). It is valid while now < timestamp + lifetime, the
# documented formula (https://developers.cloudflare.com/waf/custom-rules/use-cases/configure-token-authentication/).
# The channel comes from the requested file's name, never from the query: a token opens one channel.
package OriginToken;

use strict;
use warnings;
use Digest::SHA qw(hmac_sha256_base64);

# Read once per configuration load by the master process, as root: the file stays unreadable to the
# workers' user, and the reload that follows a key rotation reads the new keys.
my $KEYS_FILE = '/etc/origin-stack/token-keys';
my @KEYS = do {
    open(my $fh, '<', $KEYS_FILE) or die "cannot read $KEYS_FILE: $!";
    grep { length && !/\A#/ } map { s/\s+\z//r } <$fh>;
};
die "$KEYS_FILE holds no key" unless @KEYS;

my $LIFETIME = 14400;

# "1" if the request's verify argument is a live token for the channel of the location's match.
sub valid {
    my $r = shift;
    my $token = $r->variable('arg_verify') // '';
    my $channel = $r->variable('channel_id') // '';
    return '0' unless $token =~ /\A([0-9]{10})-([A-Za-z0-9_-]{43})\z/;
    my ($timestamp, $mac) = ($1, $2);
    return '0' unless time() < $timestamp + $LIFETIME;
    # During a rotation both keys are tried: tokens issued before it keep playing.
    for my $key (@KEYS) {
        # Digest::SHA's base64 is unpadded; the URL-safe alphabet swaps + and / for - and _.
        my $expected = hmac_sha256_base64("channel=$channel$timestamp", $key) =~ tr{+/}{-_}r;
        return '1' if same($expected, $mac);
    }
    return '0';
}

# Compares without stopping at the first difference, so the time taken says nothing about the mac.
sub same {
    my ($a, $b) = @_;
    return 0 unless length($a) == length($b);
    my $diff = 0;
    $diff |= ord(substr($a, $_, 1)) ^ ord(substr($b, $_, 1)) for 0 .. length($a) - 1;
    return $diff == 0;
}

1;
