using System.Collections;
using System.Globalization;
using System.Reflection;
using Origin.Validation;
using Origin.Values;
using YamlDotNet.RepresentationModel;

namespace Origin.Binding;

/// <summary>
/// Binds YAML (or JSON, which YAML reads too) onto the settings records. Whatever the node does not
/// mention keeps its default; unknown keys, wrong types and out-of-range numbers become findings under
/// the full config key. Binding never throws for bad input and never stops at the first problem.
/// </summary>
public static class SettingsBinder
{
    /// <summary>Binds <paramref name="node"/> onto a copy of <paramref name="defaults"/>.</summary>
    public static T Bind<T>(YamlNode? node, T defaults, string key, Findings findings) where T : class =>
        node is null || IsNull(node) ? defaults : (T)BindNode(typeof(T), node, key, null, defaults, findings)!;

    private static object? BindNode(Type type, YamlNode node, string key, PropertyInfo? property, object? current, Findings findings)
    {
        var nullable = Nullable.GetUnderlyingType(type);
        if (IsNull(node))
        {
            if (nullable is not null || (property is not null && IsNullableReference(property))) return null;
            findings.Error(key, Describe(type, property), "nothing", StackConfig.Where(node));
            return current;
        }
        type = nullable ?? type;

        if (IsRecordSection(type)) return BindSection(type, node, key, current, findings);
        if (ListItemType(type) is { } item) return BindList(type, item, node, key, property, current, findings);
        if (DictionaryTypes(type) is { } kv) return BindDictionary(kv.Key, kv.Value, node, key, current, findings);

        if (node is not YamlScalarNode scalar)
        {
            findings.Error(key, Describe(type, property), node is YamlMappingNode ? "a mapping" : "a list", StackConfig.Where(node));
            return current;
        }
        var text = scalar.Value ?? "";
        return ParseScalar(type, text, property, out var ok) is var value && ok
            ? value
            : Fail(findings, key, Describe(type, property), text, current, node);
    }

    /// <summary>"origin:" + "nginx" is "origin:nginx"; "origin:nginx" + "workerConnections" is "origin:nginx.workerConnections".</summary>
    private static string Child(string key, string name) => key.EndsWith(':') ? key + name : $"{key}.{name}";

    private static object? Fail(Findings findings, string key, string expected, string given, object? current, YamlNode node)
    {
        findings.Error(key, expected, Findings.Show(given), StackConfig.Where(node));
        return current;
    }

    private static object BindSection(Type type, YamlNode node, string key, object? current, Findings findings)
    {
        var instance = current ?? Activator.CreateInstance(type)!;
        if (node is YamlScalarNode && type.GetCustomAttribute<ShorthandAttribute>() is { } shorthand)
            node = new YamlMappingNode(new YamlScalarNode(shorthand.Property), node);
        if (node is not YamlMappingNode mapping)
        {
            findings.Error(key, "a mapping of " + string.Join(", ", ConfigProperties(type).Select(ConfigName)), node is YamlSequenceNode ? "a list" : Findings.Show(((YamlScalarNode)node).Value), StackConfig.Where(node));
            return instance;
        }
        // Records are immutable to their users; binding works on a private copy.
        instance = Copy(instance);
        var byName = ConfigProperties(type).ToDictionary(ConfigName, StringComparer.Ordinal);
        foreach (var (k, v) in mapping.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            var childKey = Child(key, name);
            if (!byName.TryGetValue(name, out var prop))
            {
                findings.Error(childKey, "one of the keys " + string.Join(", ", byName.Keys), "an unknown key " + Findings.Show(name), StackConfig.Where(k));
                continue;
            }
            prop.SetValue(instance, BindNode(prop.PropertyType, v, childKey, prop, prop.GetValue(instance), findings));
        }
        return instance;
    }

    private static object? BindList(Type listType, Type itemType, YamlNode node, string key, PropertyInfo? property, object? current, Findings findings)
    {
        if (node is not YamlSequenceNode sequence)
        {
            findings.Error(key, "a list of " + Describe(itemType, null), node is YamlMappingNode ? "a mapping" : Findings.Show(((YamlScalarNode)node).Value), StackConfig.Where(node));
            return current;
        }
        var items = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(itemType))!;
        var i = 0;
        foreach (var child in sequence.Children)
        {
            var value = BindNode(itemType, child, $"{key}[{i++}]", null, IsRecordSection(itemType) ? Activator.CreateInstance(itemType) : null, findings);
            if (value is not null) items.Add(value);
        }
        if (property?.GetCustomAttribute<CountAttribute>() is { } count && (items.Count < count.Min || items.Count > count.Max))
            findings.Error(key, $"a list of {count.Min} to {count.Max} items", $"{items.Count} items", StackConfig.Where(node));
        return items;
    }

    /// <summary>Dictionaries merge into their defaults: a key overrides, a null value removes a default entry.</summary>
    private static object? BindDictionary(Type keyType, Type valueType, YamlNode node, string key, object? current, Findings findings)
    {
        if (node is not YamlMappingNode mapping)
        {
            findings.Error(key, "a mapping", node is YamlSequenceNode ? "a list" : Findings.Show(((YamlScalarNode)node).Value), StackConfig.Where(node));
            return current;
        }
        var result = (IDictionary)Activator.CreateInstance(typeof(SortedDictionary<,>).MakeGenericType(keyType, valueType), KeyComparer(keyType))!;
        if (current is IEnumerable existing)
            foreach (var entry in existing)
            {
                var t = entry.GetType();
                result[t.GetProperty("Key")!.GetValue(entry)!] = t.GetProperty("Value")!.GetValue(entry);
            }
        foreach (var (k, v) in mapping.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            var childKey = Child(key, name);
            var parsedKey = ParseScalar(keyType, name, null, out var ok);
            if (!ok)
            {
                findings.Error(childKey, "a key that is " + Describe(keyType, null), Findings.Show(name), StackConfig.Where(k));
                continue;
            }
            if (IsNull(v)) { result.Remove(parsedKey!); continue; }
            var existingValue = result.Contains(parsedKey!) ? result[parsedKey!] : null;
            var bound = BindNode(valueType, v, childKey, null, existingValue ?? (IsRecordSection(valueType) ? Activator.CreateInstance(valueType) : null), findings);
            if (bound is not null) result[parsedKey!] = bound;
        }
        return result;
    }

    private static object? ParseScalar(Type type, string text, PropertyInfo? property, out bool ok)
    {
        ok = false;
        object? value = null;
        if (type == typeof(int) && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)) value = i;
        else if (type == typeof(long) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) value = l;
        else if (type == typeof(double) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) value = d;
        else if (type == typeof(bool) && text is "true" or "false") value = text == "true";
        else if (type.IsEnum) value = EnumNames(type).FirstOrDefault(e => e.Name == text).Value;
        else if (ImplementsConfigValue(type))
        {
            var args = new object?[] { text, null };
            if ((bool)type.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), type.MakeByRefType()])!.Invoke(null, args)!)
                value = args[1];
        }
        else if (type == typeof(string)) value = text;
        if (value is null) return null;
        if (property?.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            var n = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            if (n < range.Min || n > range.Max) return null;
        }
        ok = true;
        return value;
    }

    /// <summary>How the binder describes what it expects for a type (and the property's range, if any).</summary>
    public static string Describe(Type type, PropertyInfo? property)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var range = property?.GetCustomAttribute<RangeAttribute>();
        string Bounds(string noun) => range is null ? noun : $"{noun} from {Fmt(range.Min)} to {Fmt(range.Max)}";
        if (type == typeof(int) || type == typeof(long)) return Bounds("an integer");
        if (type == typeof(double)) return Bounds("a number");
        if (type == typeof(bool)) return "true or false";
        if (type.IsEnum) return "one of " + string.Join(", ", EnumNames(type).Select(e => e.Name));
        if (ImplementsConfigValue(type)) return (string)type.GetProperty("Expected", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        if (IsRecordSection(type)) return "a mapping";
        if (ListItemType(type) is { } item) return "a list of " + Describe(item, null);
        return type.Name;
    }

    private static string Fmt(double d) => d.ToString("#,0.###", CultureInfo.InvariantCulture).Replace(",", "_");

    public static IEnumerable<PropertyInfo> ConfigProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetCustomAttribute<DocAttribute>() is not null);

    public static string ConfigName(PropertyInfo property) => char.ToLowerInvariant(property.Name[0]) + property.Name[1..];

    public static IEnumerable<(string Name, object Value)> EnumNames(Type enumType) =>
        enumType.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f =>
            (f.GetCustomAttribute<ConfigNameAttribute>()?.Name ?? char.ToLowerInvariant(f.Name[0]) + f.Name[1..], f.GetValue(null)!));

    public static string EnumName<TEnum>(TEnum value) where TEnum : struct, Enum =>
        EnumNames(typeof(TEnum)).First(e => e.Value.Equals(value)).Name;

    public static bool IsRecordSection(Type type) =>
        type.IsClass && type != typeof(string) && !ImplementsConfigValue(type) && type.GetConstructor(Type.EmptyTypes) is not null
        && ConfigProperties(type).Any();

    public static bool ImplementsConfigValue(Type type) =>
        type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConfigValue<>));

    public static Type? ListItemType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0] : null;

    public static KeyValuePair<Type, Type>? DictionaryTypes(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)
            ? new(type.GetGenericArguments()[0], type.GetGenericArguments()[1])
            : null;

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: null or "" or "~" or "null" };

    private static bool IsNullableReference(PropertyInfo property) =>
        new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable;

    private static object Copy(object record) =>
        record.GetType().GetMethod("<Clone>$")?.Invoke(record, null) ?? record;

    private static IComparer KeyComparer(Type keyType) =>
        (IComparer)Activator.CreateInstance(typeof(ToStringComparer<>).MakeGenericType(keyType))!;

    /// <summary>Orders dictionary keys by their text so rendered files list them in a stable order.</summary>
    private sealed class ToStringComparer<T> : IComparer<T>, IComparer
    {
        public int Compare(T? x, T? y) => string.CompareOrdinal(x?.ToString(), y?.ToString());
        public int Compare(object? x, object? y) => string.CompareOrdinal(x?.ToString(), y?.ToString());
    }
}
