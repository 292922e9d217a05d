import { z } from "zod";

/** POST /security/oauth/token response. `expires_in` is a string in the spec and a number in the wild. */
export const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.union([z.string(), z.number()]).optional(),
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;
