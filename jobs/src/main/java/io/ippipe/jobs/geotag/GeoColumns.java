package io.ippipe.jobs.geotag;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeBlock;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.catalyst.expressions.codegen.JavaCode;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.collection.IndexedSeq;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * Geotag's lookup as two Catalyst expressions that Spark compiles into the stage's generated
 * code: {@link RecordOf} turns the 16-byte address column into a record code, and one
 * {@link FieldOf} per output column reads a field of that record from the executor's
 * {@link GeoExecutorTable}.
 *
 * <p>Why not a UDF: a Java UDF costs a byte[] copy of the input, a {@code Row} of 15 boxed
 * values, its conversion to Spark's internal row and a UTF-8 encoding of every string, per row;
 * on DB-IP city that was most of the stage's time (docs/performance.md has the figures). Here a
 * row costs the binary search and a few array reads, and strings are shared UTF8String values.
 */
public final class GeoColumns {
  private GeoColumns() {}

  /** The {@link GeoFields#FIELDS} of the address column, named prefix + field. */
  public static Column[] fields(GeoBroadcast index, Column recordCode, String prefix) {
    Column[] out = new Column[GeoFields.FIELDS.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = new Column(new FieldOf(recordCode.expr(), index, i)).as(prefix + GeoFields.FIELDS[i]);
    }
    return out;
  }

  /** Some of the {@link GeoFields#FIELDS} of the address column, named prefix + field. */
  public static java.util.Map<String, Column> fields(GeoBroadcast index, Column recordCode,
      String prefix, List<String> which) {
    java.util.Map<String, Column> out = new java.util.LinkedHashMap<>();
    for (String field : which) {
      int i = java.util.Arrays.asList(GeoFields.FIELDS).indexOf(field);
      if (i < 0) {
        throw new IllegalArgumentException("No geo field " + field);
      }
      out.put(prefix + field, index == null
          ? org.apache.spark.sql.functions.lit(null).cast(GeoFields.RESULT.apply(field).dataType())
              .as(prefix + field)
          : new Column(new FieldOf(recordCode.expr(), index, i)).as(prefix + field));
    }
    return out;
  }

  /** The record code ({@link GeoExecutorTable}) of a 16-byte address column. */
  public static Column recordOf(GeoBroadcast index, Column address) {
    return new Column(new RecordOf(address.expr(), index));
  }

  /**
   * Declares a field holding the executor table, set when the generated class initialises (once
   * per task, a cached lookup), and returns its name. One per expression: the broadcast is a
   * separate reference each time, so the declarations cannot be shared.
   */
  private static String table(CodegenContext ctx, GeoBroadcast index) {
    String type = GeoExecutorTable.class.getName();
    String reference = ctx.addReferenceObj("geoIndex", index, GeoBroadcast.class.getName());
    return ctx.addMutableState(type, "geoTable",
        v -> v + " = " + type + ".of((" + GeoBroadcast.class.getName() + ") " + reference + ");",
        true, true);
  }

  /**
   * One child, null in null out, code generated around {@link #generate}. Extends Expression
   * rather than UnaryExpression because javac cannot see that UnaryExpression's final
   * withNewChildrenInternal (a Scala trait forwarder without generic signature) implements
   * TreeNode's.
   */
  abstract static class GeoExpression extends Expression implements Serializable {
    private static final long serialVersionUID = 1L;
    final Expression child;
    final GeoBroadcast index;

    GeoExpression(Expression child, GeoBroadcast index) {
      this.child = child;
      this.index = index;
    }

    /** The value for a non-null input, as the interpreted path returns it. */
    abstract Object evalNonNull(GeoExecutorTable table, Object input);

    /** Java statements that set value (and isNull, if it can be null) from the input variable. */
    abstract String generate(CodegenContext ctx, String table, String input, String value, String isNull);

    abstract Expression withChild(Expression newChild);

    @Override
    public Seq<Expression> children() {
      return JavaConverters.asScalaBuffer(List.of(child)).toSeq();
    }

    @Override
    public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
      return withChild(newChildren.apply(0));
    }

    @Override
    public boolean nullable() {
      return true;
    }

    @Override
    public Object eval(InternalRow row) {
      Object input = child.eval(row);
      return input == null ? null : evalNonNull(GeoExecutorTable.of(index), input);
    }

    @Override
    public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
      ExprCode in = child.genCode(ctx);
      String t = table(ctx, index);
      String value = ev.value().toString();
      String isNull = ev.isNull().toString();
      String code = in.code() + "\nboolean " + isNull + " = " + in.isNull() + ";\n"
          + CodeGenerator.javaType(dataType()) + " " + value + " = "
          + CodeGenerator.defaultValue(dataType(), false) + ";\n"
          + "if (!" + isNull + ") {\n" + generate(ctx, t, in.value().toString(), value, isNull) + "\n}";
      return ev.copy(new CodeBlock(JavaConverters.asScalaBuffer(List.of(code)).toSeq(),
          JavaConverters.asScalaBuffer(List.<JavaCode>of()).toSeq()), ev.isNull(), ev.value());
    }

    @Override
    public boolean canEqual(Object that) {
      return that != null && that.getClass() == getClass();
    }
  }

  /** Binary address to record code (int). */
  public static final class RecordOf extends GeoExpression {
    private static final long serialVersionUID = 1L;

    public RecordOf(Expression child, GeoBroadcast index) {
      super(child, index);
    }

    @Override
    public DataType dataType() {
      return DataTypes.IntegerType;
    }

    @Override
    Object evalNonNull(GeoExecutorTable table, Object address) {
      return table.recordOf((byte[]) address);
    }

    @Override
    String generate(CodegenContext ctx, String table, String input, String value, String isNull) {
      String type = GeoExecutorTable.Tagger.class.getCanonicalName();
      String tagger = ctx.addMutableState(type, "geoTagger", v -> v + " = " + table + ".tagger();",
          true, true);
      return value + " = " + tagger + ".recordOf(" + input + ");";
    }

    @Override
    Expression withChild(Expression newChild) {
      return new RecordOf(newChild, index);
    }

    @Override
    public String prettyName() {
      return "geo_record";
    }

    @Override
    public int productArity() {
      return 2;
    }

    @Override
    public Object productElement(int n) {
      return n == 0 ? child : index;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof RecordOf r && r.child.equals(child) && r.index.key().equals(index.key());
    }

    @Override
    public int hashCode() {
      return Objects.hash(child, index.key());
    }
  }

  /** Record code to one of {@link GeoFields#FIELDS}, by position. */
  public static final class FieldOf extends GeoExpression {
    private static final long serialVersionUID = 1L;
    /**
     * Per {@link GeoFields#FIELDS} position, the {@link GeoExecutorTable#string} position of a
     * string field read as it is (country code, region, city, time zone, AS organisation), or -1.
     */
    private static final int[] STRING_POSITION = {0, 1, 2, -1, -1, 3, -1, 4, -1, -1, -1, -1, -1, -1, -1};
    private final int field;

    public FieldOf(Expression child, GeoBroadcast index, Integer field) {
      super(child, index);
      this.field = field;
    }

    @Override
    public DataType dataType() {
      return GeoFields.RESULT.fields()[field].dataType();
    }

    @Override
    Object evalNonNull(GeoExecutorTable t, Object recordCode) {
      int r = (Integer) recordCode;
      if (STRING_POSITION[field] >= 0) {
        return t.string(r, STRING_POSITION[field]);
      }
      switch (field) {
        case 3: case 4: {
          double d = t.coordinate(r, field - 3);
          return Double.isNaN(d) ? null : d;
        }
        case 6: {
          long asn = t.asn(r);
          return asn == Long.MIN_VALUE ? null : asn;
        }
        case 8:
          return t.networkType(r);
        case 14:
          return t.status(r);
        default: {
          int bits = t.flag(r, field - 9);
          return bits == 0 ? null : bits == 2;
        }
      }
    }

    @Override
    String generate(CodegenContext ctx, String t, String r, String value, String isNull) {
      if (STRING_POSITION[field] >= 0) {
        return strings(value, isNull, t + ".string(" + r + ", " + STRING_POSITION[field] + ")");
      }
      return switch (field) {
        case 8 -> strings(value, isNull, t + ".networkType(" + r + ")");
        case 14 -> value + " = " + t + ".status(" + r + ");";
        case 3, 4 -> value + " = " + t + ".coordinate(" + r + ", " + (field - 3) + "); "
            + isNull + " = Double.isNaN(" + value + ");";
        case 6 -> value + " = " + t + ".asn(" + r + "); " + isNull + " = " + value
            + " == Long.MIN_VALUE;";
        default -> {
          String bits = ctx.freshName("flagBits");
          yield "int " + bits + " = " + t + ".flag(" + r + ", " + (field - 9) + "); " + isNull
              + " = " + bits + " == 0; " + value + " = " + bits + " == 2;";
        }
      };
    }

    private static String strings(String value, String isNull, String call) {
      return value + " = " + call + "; " + isNull + " = " + value + " == null;";
    }

    @Override
    Expression withChild(Expression newChild) {
      return new FieldOf(newChild, index, field);
    }

    @Override
    public String prettyName() {
      return "geo_" + GeoFields.FIELDS[field];
    }

    @Override
    public int productArity() {
      return 3;
    }

    @Override
    public Object productElement(int n) {
      return n == 0 ? child : n == 1 ? index : (Object) field;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FieldOf f && f.child.equals(child) && f.index.key().equals(index.key())
          && f.field == field;
    }

    @Override
    public int hashCode() {
      return Objects.hash(child, index.key(), field);
    }
  }
}
