namespace Origin.Box;

/// <summary>
/// The programs the box runs. A missing one fails the run with the Debian package to install: the
/// end-to-end tests never skip, and CI installs these packages.
/// </summary>
public static class Tools
{
    public const string Nginx = "/usr/sbin/nginx";
    public const string RedisServer = "/usr/bin/redis-server";
    public const string Ffmpeg = "/usr/bin/ffmpeg";
    public const string Ffprobe = "/usr/bin/ffprobe";
    public const string Gunicorn = "/usr/bin/gunicorn";
    public const string Python = "/usr/bin/python3";
    public const string Tmpfiles = "/usr/bin/systemd-tmpfiles";
    public const string Openssl = "/usr/bin/openssl";
    public const string Prlimit = "/usr/bin/prlimit";
    public const string Setsid = "/usr/bin/setsid";
    public const string Wrk = "/usr/bin/wrk";
    public const string Logrotate = "/usr/sbin/logrotate";

    /// <summary>Debian's own unit for Redis: the rendered drop-in only overrides its limits.</summary>
    public const string DebianRedisUnit = "/lib/systemd/system/redis-server.service";

    /// <summary>Debian's build of the perl module for its nginx: the token check's interpreter.</summary>
    public const string NginxPerlModule = "/usr/lib/nginx/modules/ngx_http_perl_module.so";

    /// <summary>Installed with nginx; the stack's source build installs the same file into its prefix.</summary>
    public const string NginxMimeTypes = "/etc/nginx/mime.types";

    private static readonly (string Path, string Package)[] BoxNeeds =
    [
        (Nginx, "nginx"), (NginxMimeTypes, "nginx"), (NginxPerlModule, "libnginx-mod-http-perl"), (RedisServer, "redis-server"), (DebianRedisUnit, "redis-server"),
        (Ffmpeg, "ffmpeg"), (Ffprobe, "ffmpeg"), (Gunicorn, "gunicorn"), (Python, "python3"),
        (Tmpfiles, "systemd"), (Logrotate, "logrotate"), (Openssl, "openssl"), (Prlimit, "util-linux"), (Setsid, "util-linux"),
    ];

    /// <summary>Throws naming every missing program and its package, plus the Python modules the fixture imports.</summary>
    public static void RequireBox(params (string Path, string Package)[] more)
    {
        var missing = BoxNeeds.Concat(more).Where(t => !File.Exists(t.Path)).Select(t => $"{t.Path} (apt-get install {t.Package})").ToList();
        if (File.Exists(Python) && Run.Capture(Python, ["-c", "import flask, redis"]).ExitCode != 0)
            missing.Add("the Python modules flask and redis (apt-get install python3-flask python3-redis)");
        if (missing.Count > 0)
            throw new InvalidOperationException("the loopback origin needs what is missing here:\n  " + string.Join("\n  ", missing));
    }
}
