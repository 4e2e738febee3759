namespace Origin.Binding;

/// <summary>What a setting is for. Every settings property carries one: the README's config reference is generated from them.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DocAttribute(string text) : Attribute
{
    public string Text { get; } = text;
}

/// <summary>Inclusive bounds for a number setting.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RangeAttribute(double min, double max) : Attribute
{
    public double Min { get; } = min;
    public double Max { get; } = max;
}

/// <summary>Bounds on the number of items of a list setting.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class CountAttribute(int min, int max) : Attribute
{
    public int Min { get; } = min;
    public int Max { get; } = max;
}

/// <summary>The name an enum member has in the stack config, when it is not the member name in lower camel case.</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class ConfigNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>A section that may also be written as a bare value, which sets this one property: `vm.swappiness: "5"`.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ShorthandAttribute(string property) : Attribute
{
    public string Property { get; } = property;
}
