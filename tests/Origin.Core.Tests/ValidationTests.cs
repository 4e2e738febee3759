using static Origin.Tests.FindingsAssert;

namespace Origin.Tests;

/// <summary>One test per class of error the validation must catch, each naming its key, what was expected and what was given.</summary>
public class ValidationTests
{
    [Fact]
    public void Committed_prod_stack_is_valid()
    {
        NoErrors(Stacks.Load());
    }

    [Fact]
    public void Out_of_range_number_names_key_bounds_and_value()
    {
        var message = ErrorAt(Stacks.Load("nginx.workerConnections=10"), "origin:nginx.workerConnections");
        Assert.Equal("expected an integer from 64 to 1_000_000, got \"10\"", message);
    }

    [Fact]
    public void Number_that_is_not_a_number_is_refused()
    {
        var message = ErrorAt(Stacks.Load("hls.segmentSeconds=two"), "origin:hls.segmentSeconds");
        Assert.Contains("got \"two\"", message);
    }

    [Fact]
    public void Unknown_enum_value_lists_the_accepted_ones()
    {
        var message = ErrorAt(Stacks.Load("host.mode=vps"), "origin:host.mode");
        Assert.Equal("expected one of hcloud, dedicated, got \"vps\"", message);
    }

    [Fact]
    public void Unknown_key_is_refused_with_the_known_keys()
    {
        var message = ErrorAt(Stacks.Load("nginx.workerConnection=100"), "origin:nginx.workerConnection");
        Assert.Contains("workerConnections", message);
        Assert.Contains("an unknown key", message);
    }

    [Fact]
    public void Unknown_section_is_refused()
    {
        ErrorAt(Stacks.Load("ngnix.version=1.2.3"), "origin:ngnix");
    }

    [Theory]
    [InlineData("10.0.0.1/8")]      // host bits set: a typo, not a network
    [InlineData("300.1.1.0/24")]
    [InlineData("10.0.0.0")]        // no prefix length
    [InlineData("10.0.0.0/33")]
    [InlineData("2001:db8::/129")]
    public void Malformed_cidr_is_refused(string cidr)
    {
        var message = ErrorAt(Stacks.Load($"host.adminCidrs=[\"{cidr}\"]"), "origin:host.adminCidrs[0]");
        Assert.Contains("CIDR", message);
    }

    /// <summary>The converge dials the adopted address, so SSH comes from an address of its family: the firewall must admit one.</summary>
    [Theory]
    [InlineData("2a01:4f8:c17:2a5b::1", "[\"198.51.100.0/24\"]", "IPv6")]
    [InlineData("65.108.235.165", "[\"2001:db8:1::/48\"]", "IPv4")]
    public void An_adopted_address_whose_family_no_admin_network_has_is_refused(string address, string cidrs, string family)
    {
        var message = ErrorAt(Stacks.Load($"host.dedicated.address={address}", $"host.adminCidrs={cidrs}"), "origin:host.adminCidrs");
        Assert.Contains($"at least one {family} network", message);
        NoErrors(Stacks.Load($"host.dedicated.address={address}", $"host.adminCidrs=[\"198.51.100.0/24\", \"2001:db8:1::/48\"]"));
    }

    [Theory]
    [InlineData("Live.Example.com")]
    [InlineData("live_origin.example.com")]
    [InlineData("-live.example.com")]
    [InlineData("live..example.com")]
    public void Malformed_hostname_is_refused(string name)
    {
        ErrorAt(Stacks.Load($"cloudflare.record=\"{name}\""), "origin:cloudflare.record");
    }

    [Theory]
    [InlineData("var/www/hls")]
    [InlineData("/var/www/hls/")]
    [InlineData("/var/www/../etc")]
    [InlineData("/var/www/hls data")]
    [InlineData("/var//www")]
    public void Malformed_path_is_refused(string path)
    {
        ErrorAt(Stacks.Load($"hls.dir=\"{path}\""), "origin:hls.dir");
    }

    [Theory]
    [InlineData("/var")]
    [InlineData("/etc")]
    [InlineData("/")]
    public void Tmpfs_over_a_system_directory_is_refused(string path)
    {
        var loaded = Stacks.Load($"hls.dir=\"{path}\"");
        Assert.Contains(loaded.Findings.Errors, e => e.Key == "origin:hls.dir");
    }

    [Fact]
    public void Tmpfs_larger_than_half_the_ram_is_refused()
    {
        var message = ErrorAt(Stacks.Load("hls.tmpfsSize=40g"), "origin:hls.tmpfsSize");
        Assert.Contains("at most half the RAM (32g)", message);
        Assert.Contains("got 40g", message);
    }

    [Fact]
    public void Computed_tmpfs_that_does_not_fit_the_ram_is_refused()
    {
        // 2000 channels x 8 Mbit/s x 75 s x 1.5 is about 168 GiB: more than the 64 GiB host has.
        var message = ErrorAt(Stacks.Load("capacity.channels=2000", "capacity.bitrateKbps=8000"), "origin:hls.tmpfsSize");
        Assert.Contains("(computed from capacity)", message);
    }

    [Fact]
    public void Tmpfs_plus_redis_plus_reserve_beyond_ram_is_refused()
    {
        var message = ErrorAt(Stacks.Load("hls.tmpfsSize=32g", "redis.maxmemory=31g"), "origin:hls.tmpfsSize");
        Assert.Contains("within host RAM 64g", message);
    }

    [Fact]
    public void Nofile_below_what_the_connections_need_is_refused()
    {
        var message = ErrorAt(Stacks.Load("nginx.rlimitNofile=20000"), "origin:nginx.rlimitNofile");
        Assert.Equal("expected at least 30064 (2 x workerConnections 10000 + segmentFileCache.max 10000 + 64), got 20000", message);
    }

    [Fact]
    public void More_rate_limit_rules_than_the_plan_allows_is_refused()
    {
        var rules = "[{name: a}, {name: b, scope: api, requests: 100}]";
        var message = ErrorAt(Stacks.Load($"cloudflare.rateLimits={rules}"), "origin:cloudflare.rateLimits");
        Assert.Equal("expected at most 1 rate-limiting rule(s) on the free plan, got 2", message);
        NoErrors(Stacks.Load($"cloudflare.rateLimits={rules}", "cloudflare.plan=pro"));
    }

    [Fact]
    public void Rate_limit_period_the_plan_does_not_offer_is_refused()
    {
        var message = ErrorAt(Stacks.Load("cloudflare.rateLimits=[{name: a, period: 60s}]"), "origin:cloudflare.rateLimits[0].period");
        Assert.Contains("one of 10s on the free plan", message);
    }

    [Fact]
    public void Challenge_with_a_timeout_below_enterprise_is_refused()
    {
        var message = ErrorAt(Stacks.Load("cloudflare.rateLimits=[{name: a, action: managed_challenge, mitigationTimeout: 10s}]"),
            "origin:cloudflare.rateLimits[0].mitigationTimeout");
        Assert.Contains("0s", message);
    }

    [Fact]
    public void A_cold_start_cannot_wait_for_more_segments_than_the_playlist_lists_or_the_api_may_take()
    {
        Assert.Equal("expected at most hls.listSize (6): the playlist never lists more, got 7",
            ErrorAt(Stacks.Load("hls.startSegments=7"), "origin:hls.startSegments"));
        var message = ErrorAt(Stacks.Load("hls.startSegments=6", "hls.segmentSeconds=4"), "origin:stream.timeoutSeconds");
        Assert.Equal("expected at least 34s: a cold start waits for FFmpeg's first 6 segment(s) (about 24s), got 30", message);
        NoErrors(Stacks.Load("hls.startSegments=6", "hls.segmentSeconds=4", "stream.timeoutSeconds=34"));
    }

    /// <summary>
    /// Viewers behind one address share the edge's per-address counter: a rule that counts cached requests by
    /// address must admit cloudflare.viewersPerAddress players; counting only origin requests is Business and up,
    /// counting by token Enterprise (https://developers.cloudflare.com/waf/rate-limiting-rules/#availability).
    /// </summary>
    [Fact]
    public void Edge_rate_limits_admit_the_viewers_who_share_an_address_within_the_plan()
    {
        Assert.Equal("expected at least 7500: 500 viewers behind one address (cloudflare.viewersPerAddress) make about 15 media requests each per 10s, cached or not, " +
            "and every one counts on this plan's address key; lower viewersPerAddress, or on Business count only origin requests (countCached: false), got 200",
            ErrorAt(Stacks.Load("cloudflare.rateLimits=[{name: m, requests: 200}]"), "origin:cloudflare.rateLimits[0].requests"));
        NoErrors(Stacks.Load("cloudflare.rateLimits=[{name: m, requests: 200}]", "cloudflare.viewersPerAddress=13"));
        Assert.Contains("needs Business", ErrorAt(Stacks.Load("cloudflare.rateLimits=[{name: m, requests: 200, countCached: false}]"), "origin:cloudflare.rateLimits[0].countCached"));
        NoErrors(Stacks.Load("cloudflare.plan=business", "cloudflare.rateLimits=[{name: m, requests: 200, countCached: false}]"));
        Assert.Contains("needs Enterprise", ErrorAt(Stacks.Load("cloudflare.plan=business", "cloudflare.rateLimits=[{name: m, requests: 200, per: token}]"), "origin:cloudflare.rateLimits[0].per"));
        var enterprise = Stacks.Load("cloudflare.plan=enterprise", "cloudflare.rateLimits=[{name: m, requests: 200, per: token}]");
        NoErrors(enterprise);
        Assert.Contains("Advanced Rate Limiting", WarningAt(enterprise, "origin:cloudflare.rateLimits[0].per").Message);
    }

    /// <summary>Bot Fight Mode (Free) challenges non-browser players and no rule skips it: preview says so either way.</summary>
    [Fact]
    public void Bot_fight_mode_is_named_at_preview_on_the_free_plan()
    {
        Assert.Contains("no rule can skip it", WarningAt(Stacks.Load("cloudflare.botFightModeOff=false"), "origin:cloudflare.botFightModeOff").Message);
        Assert.Contains("every host name in the zone", WarningAt(Stacks.Load("cloudflare.botFightModeOff=true"), "origin:cloudflare.botFightModeOff").Message);
        Assert.Contains("has no effect", WarningAt(Stacks.Load("cloudflare.plan=pro", "cloudflare.acceptUncheckedEdge=false", "cloudflare.segmentEdgeTtl=1h"), "origin:cloudflare.botFightModeOff").Message);
        Assert.True(Origin.Edge.EdgePolicy.Build(Stacks.Valid()).BotFightModeOff);
        Assert.False(Origin.Edge.EdgePolicy.Build(Stacks.Valid("cloudflare.plan=pro", "cloudflare.acceptUncheckedEdge=false", "cloudflare.segmentEdgeTtl=1h")).BotFightModeOff);
    }

    /// <summary>Cloudflare's 524 after 100 s (CloudflareRules.EdgeOriginReadTimeoutSeconds cites it): a start may not wait that long.</summary>
    [Theory]
    [InlineData(100)]
    [InlineData(600)]
    public void A_start_that_outlasts_cloudflares_origin_timeout_is_refused(int seconds)
    {
        Assert.Equal($"expected less than 100s: Cloudflare answers 524 when the origin has not answered within 100s, so a start that waits longer reaches the viewer as Cloudflare's timeout, not the API's answer, got {seconds}",
            ErrorAt(Stacks.Load($"stream.timeoutSeconds={seconds}"), "origin:stream.timeoutSeconds"));
        NoErrors(Stacks.Load("stream.timeoutSeconds=99"));
    }

    /// <summary>Cloudflare keeps idle origin connections 900 s (CloudflareRules.EdgeIdleConnectionSeconds cites it): nginx must not close them first.</summary>
    [Fact]
    public void Nginx_may_not_close_an_idle_edge_connection_before_cloudflare_does()
    {
        Assert.StartsWith("expected more than 900s: Cloudflare reuses an idle origin connection",
            ErrorAt(Stacks.Load("nginx.clientKeepaliveTimeout=65s"), "origin:nginx.clientKeepaliveTimeout"));
        Assert.True(Stacks.Valid().Nginx.ClientKeepaliveTimeout.Seconds > 900);
    }

    [Fact]
    public void Edge_ttl_shorter_than_the_plan_allows_is_refused()
    {
        var message = ErrorAt(Stacks.Load("cloudflare.segmentEdgeTtl=1h"), "origin:cloudflare.segmentEdgeTtl");
        Assert.Equal("expected at least 2h, the shortest edge TTL the free plan accepts, got 1h", message);
        NoErrors(Stacks.Load("cloudflare.segmentEdgeTtl=1h", "cloudflare.plan=pro"));
    }

    [Fact]
    public void Playlist_edge_ttl_below_business_is_refused()
    {
        var message = ErrorAt(Stacks.Load("cloudflare.playlistEdgeTtl=1s"), "origin:cloudflare.playlistEdgeTtl");
        Assert.Contains("respect the origin's max-age", message);
        NoErrors(Stacks.Load("cloudflare.playlistEdgeTtl=1s", "cloudflare.plan=business"));
    }

    [Theory]
    [InlineData("allkeys-lru")]
    [InlineData("allkeys-lfu")]
    [InlineData("allkeys-random")]
    public void Allkeys_eviction_is_refused(string policy)
    {
        var message = ErrorAt(Stacks.Load($"redis.evictionPolicy={policy}"), "origin:redis.evictionPolicy");
        Assert.Contains("must never be evicted", message);
    }

    [Fact]
    public void Volatile_eviction_is_accepted()
    {
        NoErrors(Stacks.Load("redis.evictionPolicy=volatile-lru"));
    }

    [Fact]
    public void Cleanup_age_shorter_than_rfc_8216_allows_is_refused()
    {
        var message = ErrorAt(Stacks.Load("hls.cleanupAge=20s"), "origin:hls.cleanupAge");
        Assert.Contains("at least 26s", message);
    }

    [Fact]
    public void A_shorter_initial_segment_is_a_warning_about_the_target_duration()
    {
        var loaded = Stacks.Load("hls.initSeconds=1");
        NoErrors(loaded);
        Assert.Contains("EXT-X-TARGETDURATION", WarningAt(loaded, "origin:hls.initSeconds").Message);
        Assert.DoesNotContain(Stacks.Load().Findings.Warnings, w => w.Key == "origin:hls.initSeconds");
    }

    [Fact]
    public void Playlist_max_age_above_half_a_segment_is_refused()
    {
        ErrorAt(Stacks.Load("nginx.playlistMaxAge=2"), "origin:nginx.playlistMaxAge");
    }

    [Fact]
    public void Listen_backlog_above_somaxconn_is_refused()
    {
        var message = ErrorAt(Stacks.Load("nginx.listenBacklog=8192"), "origin:nginx.listenBacklog");
        Assert.Contains("net.core.somaxconn (4096)", message);
        NoErrors(Stacks.Load("nginx.listenBacklog=8192", "kernel.sysctl={net.core.somaxconn: {value: \"8192\", reason: more}}"));
    }

    [Fact]
    public void Upstream_keepalive_outliving_gunicorn_is_refused()
    {
        ErrorAt(Stacks.Load("nginx.upstream.keepaliveTimeout=2m"), "origin:nginx.upstream.keepaliveTimeout");
    }

    [Fact]
    public void Modules_the_config_needs_cannot_be_left_out()
    {
        var message = ErrorAt(Stacks.Load("nginx.configureFlags=[--with-http_ssl_module]"), "origin:nginx.configureFlags");
        Assert.Contains("--with-http_realip_module", message);
    }

    [Fact]
    public void Options_the_stack_sets_itself_are_refused()
    {
        var loaded = Stacks.Load("nginx.configureFlags=[--with-http_ssl_module, --with-http_realip_module, --with-http_stub_status_module, --with-http_perl_module=dynamic, --prefix=/usr]");
        ErrorAt(loaded, "origin:nginx.configureFlags[4]");
    }

    [Fact]
    public void Ssl_mode_other_than_strict_is_refused()
    {
        ErrorAt(Stacks.Load("cloudflare.sslMode=full"), "origin:cloudflare.sslMode");
    }

    [Fact]
    public void A_minimum_tls_version_needs_advanced_certificate_manager_or_the_explicit_zone_wide_choice()
    {
        var message = ErrorAt(Stacks.Load("cloudflare.minTlsVersion=\"1.2\""), "origin:cloudflare.minTlsVersion");
        Assert.Contains("cloudflare.advancedCertificateManager", message);
        Assert.Contains("cloudflare.zoneWideSettings", message);
        NoErrors(Stacks.Load("cloudflare.minTlsVersion=\"1.2\"", "cloudflare.advancedCertificateManager=true"));
        NoErrors(Stacks.Load("cloudflare.minTlsVersion=\"1.2\"", "cloudflare.zoneWideSettings=true"));
    }

    [Fact]
    public void Zone_wide_settings_are_named_in_a_warning_that_says_what_they_break()
    {
        Assert.DoesNotContain(Stacks.Load().Findings.Warnings, w => w.Key == "origin:cloudflare.zoneWideSettings");
        var warning = Assert.Single(Stacks.Load("cloudflare.zoneWideSettings=true").Findings.Warnings, w => w.Key == "origin:cloudflare.zoneWideSettings");
        Assert.Contains("every host name in the zone example.com", warning.Message);
        Assert.Contains("526", warning.Message);
    }

    [Theory]
    [InlineData("cacheRuleset", "0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("rateLimitRuleset", "0123456789abcdef")]
    [InlineData("recordA", "zones/0123456789abcdef0123456789abcdef")]
    [InlineData("configRuleset", "\"0123456789abcdef0123456789abcdef; rm -rf /\"")]
    public void Adopted_ids_must_be_32_lower_case_hex_digits(string key, string value)
    {
        var message = ErrorAt(Stacks.Load($"cloudflare.adopt.{key}={value}"), $"origin:cloudflare.adopt.{key}");
        Assert.Contains("32 lower-case hex digits", message);
        NoErrors(Stacks.Load($"cloudflare.adopt.{key}=0123456789abcdef0123456789abcdef"));
    }

    [Theory]
    [InlineData("rateLimitRuleset", "cloudflare.rateLimits=[]")]
    [InlineData("configRuleset", "cloudflare.zoneWideSettings=true")]
    [InlineData("redirectRuleset", "cloudflare.alwaysUseHttps=false")]
    [InlineData("recordAaaa", "host.dedicated.address=65.108.235.165")]
    [InlineData("recordA", "host.dedicated.address=2001:db8::10")]
    public void An_adopted_id_must_name_something_the_stack_writes(string key, string change)
    {
        var message = ErrorAt(Stacks.Load($"cloudflare.adopt.{key}=0123456789abcdef0123456789abcdef", change), $"origin:cloudflare.adopt.{key}");
        Assert.StartsWith("expected null: ", message);
    }

    [Fact]
    public void One_id_cannot_adopt_two_objects()
    {
        const string id = "0123456789abcdef0123456789abcdef";
        var message = ErrorAt(Stacks.Load($"cloudflare.adopt.cacheRuleset={id}", $"cloudflare.adopt.configRuleset={id}"), "origin:cloudflare.adopt");
        Assert.Contains("2 times", message);
    }

    [Fact]
    public void Record_outside_the_zone_is_refused()
    {
        var message = ErrorAt(Stacks.Load("cloudflare.record=live.example.net"), "origin:cloudflare.record");
        Assert.Contains("inside the zone example.com", message);
    }

    [Fact]
    public void Missing_required_values_are_reported()
    {
        var loaded = Stacks.Load("host.dedicated.address=null", "host.adminCidrs=[]", "cloudflare.zone=null");
        ErrorAt(loaded, "origin:host.dedicated.address");
        ErrorAt(loaded, "origin:host.adminCidrs");
        ErrorAt(loaded, "origin:cloudflare.zone");
    }

    [Fact]
    public void Hcloud_mode_needs_dedicated_vcpus_and_a_key()
    {
        var loaded = Stacks.Load("host.mode=hcloud", "host.hcloud.serverType=cx22");
        ErrorAt(loaded, "origin:host.hcloud.serverType");
        ErrorAt(loaded, "origin:host.hcloud.sshPublicKeys");
    }

    [Fact]
    public void A_non_root_ssh_user_is_refused_and_told_why()
    {
        NoErrors(Stacks.Load("host.ssh.user=root"));
        var message = ErrorAt(Stacks.Load("host.ssh.user=deploy"), "origin:host.ssh.user");
        Assert.Contains("without sudo", message);
        Assert.Contains("/var/lib/origin-stack", message);
    }

    [Fact]
    public void Ports_used_twice_are_refused()
    {
        var message = ErrorAt(Stacks.Load("stream.port=6379"), "origin:redis.port");
        Assert.Contains("stream.port", message);
    }

    [Fact]
    public void Environment_may_not_override_what_the_stack_sets()
    {
        ErrorAt(Stacks.Load("stream.environment={HLS_TIME: \"4\"}"), "origin:stream.environment.HLS_TIME");
    }

    [Theory]
    [InlineData("nginx.user")]
    [InlineData("stream.user")]
    public void Root_is_refused_for_the_processes_that_parse_what_the_internet_sends(string key)
    {
        var message = ErrorAt(Stacks.Load($"{key}=root"), $"origin:{key}");
        Assert.Contains("unprivileged", message);
    }

    [Fact]
    public void A_numeric_user_is_refused_so_uid_0_cannot_be_written_as_0()
    {
        // systemd reads User=0 as uid 0; the name type refuses any all-digit name.
        ErrorAt(Stacks.Load("stream.user=\"0\""), "origin:stream.user");
        ErrorAt(Stacks.Load("nginx.user=\"0\""), "origin:nginx.user");
    }

    [Fact]
    public void The_host_refuses_another_name_for_uid_0()
    {
        var apply = Stacks.ProdPlan()["packages"].ApplyScript;
        Assert.Contains("for user in streamapi www-data; do", apply);
        Assert.Contains("$(id -u \"$user\" 2> /dev/null) == 0 ]]; then die", apply);
    }

    [Theory]
    [InlineData("LD_PRELOAD")]
    [InlineData("LD_LIBRARY_PATH")]
    [InlineData("LD_AUDIT")]
    [InlineData("PATH")]
    [InlineData("PYTHONPATH")]
    [InlineData("PYTHONSTARTUP")]
    [InlineData("PYTHONBREAKPOINT")]
    [InlineData("GCONV_PATH")]
    [InlineData("GLIBC_TUNABLES")]
    [InlineData("MALLOC_ARENA_MAX")]
    [InlineData("LOCPATH")]
    [InlineData("NLSPATH")]
    [InlineData("HOSTALIASES")]
    [InlineData("RES_OPTIONS")]
    [InlineData("TMPDIR")]
    [InlineData("BASH_ENV")]
    [InlineData("ENV")]
    [InlineData("BASH_FUNC_X")]
    [InlineData("GUNICORN_CMD_ARGS")]
    [InlineData("OPENSSL_CONF")]
    public void Environment_that_changes_what_code_loads_is_refused(string name)
    {
        var message = ErrorAt(Stacks.Load($"stream.environment={{{name}: x}}"), $"origin:stream.environment.{name}");
        Assert.Contains("does not change what code", message);
    }

    [Theory]
    [InlineData("CHANNEL_SOURCE")]
    [InlineData("TZ")]
    [InlineData("LANG")]
    [InlineData("LDAP_URI")]     // LD_ is a prefix of the loader's names; LDAP is not one of them
    public void Ordinary_environment_is_accepted(string name)
    {
        NoErrors(Stacks.Load($"stream.environment={{{name}: x}}"));
    }

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.1.2.3", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("0.0.0.0", "this network")]
    [InlineData("::", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("169.254.1.1", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("10.0.0.5", "private")]
    [InlineData("172.16.0.5", "private")]
    [InlineData("192.168.1.5", "private")]
    [InlineData("100.64.0.5", "carrier-grade NAT")]
    [InlineData("fd00::5", "unique local")]
    [InlineData("::ffff:65.108.235.165", "IPv4-mapped")]
    public void A_dedicated_address_no_server_can_be_reached_at_is_refused(string address, string why)
    {
        var message = ErrorAt(Stacks.Load($"host.dedicated.address=\"{address}\""), "origin:host.dedicated.address");
        Assert.Contains(why, message);
    }

    [Theory]
    [InlineData("65.108.235.165")]
    [InlineData("2a01:4f9:c010:1234::1")]
    public void A_public_dedicated_address_is_accepted(string address)
    {
        NoErrors(Stacks.Load($"host.dedicated.address=\"{address}\"", "host.adminCidrs=[\"203.0.113.0/24\", \"2001:db8:1::/48\"]"));
    }

    [Fact]
    public void Git_source_needs_url_and_ref()
    {
        var loaded = Stacks.Load("stream.source={kind: git}");
        ErrorAt(loaded, "origin:stream.source.url");
        ErrorAt(loaded, "origin:stream.source.ref");
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var loaded = Stacks.Load(
            "nginx.workerConnections=10", "host.mode=vps", "redis.evictionPolicy=allkeys-lru",
            "cloudflare.segmentEdgeTtl=1h", "hls.dir=relative", "host.adminCidrs=[\"10.0.0.1/8\"]");
        var keys = loaded.Findings.Errors.Select(e => e.Key).ToList();
        foreach (var key in new[]
                 {
                     "origin:nginx.workerConnections", "origin:host.mode", "origin:redis.evictionPolicy",
                     "origin:cloudflare.segmentEdgeTtl", "origin:hls.dir", "origin:host.adminCidrs[0]",
                 })
            Assert.Contains(key, keys);
        var thrown = Assert.Throws<Validation.InvalidSettingsException>(() => loaded.Valid);
        Assert.True(thrown.Errors.Count >= 6);
    }

    [Fact]
    public void Redis_password_errors_never_show_the_secret()
    {
        var findings = new Validation.Findings();
        Settings.OriginSecrets.Check("short'$(reboot)", findings);
        var message = Assert.Single(findings.Errors).ToString();
        Assert.DoesNotContain("reboot", message);
        Assert.Contains("a secret of 15 characters with a character outside that set", message);
    }
}
